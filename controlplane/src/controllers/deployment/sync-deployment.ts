/**
 * One Deployment's reconcile: claim its ReplicaSets, then, in upstream's order, report status
 * only while it is being deleted, keep the Progressing condition in step with pausing, scale
 * without rolling when paused or resized, and otherwise take one step of its strategy.
 */
import { selectorFromLabelSelector } from '@wisp/api/labels/index.ts';
import type { Selector } from '@wisp/api/labels/index.ts';
import type { ReconcileResult } from '../framework/controller.ts';
import { claimObjects, controllerRefOf, registryClaimOps } from '../replicaset/controller-ref.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import { getCondition, newCondition, setCondition } from './conditions.ts';
import type { DeploymentSyncDeps } from './deps.ts';
import { replicaSetGroups } from './new-replica-set.ts';
import { progressRequeue, syncDeploymentStatus } from './progress.ts';
import { rolloutRecreate } from './recreate.ts';
import type { PodsByReplicaSet } from './recreate.ts';
import { rolloutRolling } from './rolling.ts';
import { isScalingEvent, syncScaling } from './scale.ts';
import {
  DEPLOYMENT_KIND,
  DEPLOYMENTS,
  hasProgressDeadline,
  Reasons,
  REPLICA_SETS,
} from './types.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';
import { writeDeploymentStatus } from './writes.ts';
import { splitObjectKey } from '../../informer/informer.ts';

export async function syncDeployment(
  key: string,
  deps: DeploymentSyncDeps,
): Promise<ReconcileResult | void> {
  const { namespace, name } = splitObjectKey(key);
  const cached = deps.deployments.get(namespace, name);
  if (!cached) return;
  const d = structuredClone(cached) as DeploymentObject;
  const selector = await usableSelector(deps, d);
  if (!selector) return;
  const rsList = await claimReplicaSets(deps, d, selector);
  if (d.metadata.deletionTimestamp) {
    const { newRs, oldRss } = await replicaSetGroups(deps, d, rsList, false);
    return syncDeploymentStatus(deps, newRs ? [...oldRss, newRs] : oldRss, newRs, d);
  }
  await syncPausedCondition(deps, d);
  if (d.spec?.paused || (await isScalingEvent(deps, d, rsList))) {
    return syncScaling(deps, d, rsList);
  }
  if (d.spec?.strategy?.type === 'Recreate') {
    await rolloutRecreate(deps, d, rsList, podsByReplicaSet(deps, d, selector, rsList));
  } else {
    await rolloutRolling(deps, d, rsList);
  }
  return progressRequeue(d, deps.clock.now());
}

/**
 * The Deployment's selector, or undefined when it cannot be acted on: an empty selector would
 * claim every pod in the namespace, so upstream refuses it with a warning.
 */
async function usableSelector(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
): Promise<Selector | undefined> {
  let selector: Selector;
  try {
    selector = selectorFromLabelSelector(d.spec?.selector);
  } catch (e) {
    await deps.events.record(d, 'Warning', 'InvalidSelector', String(e));
    return undefined;
  }
  if (!selector.empty()) return selector;
  const msg = 'This deployment is selecting all pods. A non-empty selector is required.';
  await deps.events.record(d, 'Warning', 'SelectingAll', msg);
  const generation = d.metadata.generation ?? 0;
  if ((d.status?.observedGeneration ?? 0) < generation) {
    await writeDeploymentStatus(deps, d, { ...d.status, observedGeneration: generation });
  }
  return undefined;
}

async function claimReplicaSets(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  selector: Selector,
): Promise<ReplicaSetObject[]> {
  const candidates = deps.replicaSets.list(d.metadata.namespace);
  const ops = registryClaimOps(deps.registry, REPLICA_SETS, d, DEPLOYMENTS, DEPLOYMENT_KIND);
  const owned = await claimObjects(d, selector, candidates, ops);
  return owned.map((rs) => structuredClone(rs) as ReplicaSetObject);
}

/** Pods of the Deployment's ReplicaSets, terminating ones included (Recreate waits for them). */
function podsByReplicaSet(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  selector: Selector,
  rsList: readonly ReplicaSetObject[],
): PodsByReplicaSet {
  const byUid = new Map<string, PodObject[]>();
  for (const rs of rsList) byUid.set(rs.metadata.uid!, []);
  for (const pod of deps.pods.list(d.metadata.namespace)) {
    if (!selector.matches(pod.metadata.labels)) continue;
    byUid.get(controllerRefOf(pod)?.uid ?? '')?.push(pod as PodObject);
  }
  return byUid;
}

/** Progressing is Unknown while paused (no deadline runs) and says so again on resume. */
async function syncPausedCondition(deps: DeploymentSyncDeps, d: DeploymentObject): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, 'Progressing');
  if (cond?.reason === Reasons.timedOut) return;
  const pausedShown = cond?.reason === Reasons.paused;
  const paused = d.spec?.paused === true;
  if (paused === pausedShown) return;
  const status = structuredClone(d.status ?? {});
  const now = deps.clock.now();
  const next = paused
    ? newCondition('Progressing', 'Unknown', Reasons.paused, 'Deployment is paused', now)
    : newCondition('Progressing', 'Unknown', Reasons.resumed, 'Deployment is resumed', now);
  setCondition(status, next);
  await writeDeploymentStatus(deps, d, status);
}
