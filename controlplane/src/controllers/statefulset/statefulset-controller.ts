/**
 * The StatefulSet controller: pods with stable names `<set>-0 .. <set>-(N-1)`, created in order
 * (each once the one before is Running and Ready) and removed in reverse under OrderedReady, all
 * at once under Parallel; RollingUpdate with a partition (highest ordinal first) or OnDelete,
 * through ControllerRevisions. volumeClaimTemplates are ignored: Wisp has no volumes to claim.
 *
 *   const sts = createStatefulSetController({}, { registry, informers, clock, random, events });
 */
import type { KubeObject } from '@wisp/api';
import { findResource, selectorFromLabelSelector } from '@wisp/api';
import type { Selector } from '@wisp/api/labels/index.ts';
import type { Informer } from '../../informer/informer.ts';
import { createController } from '../framework/controller.ts';
import type { ReconcileResult } from '../framework/controller.ts';
import { nextAvailabilityInMs } from '../replicaset/pod-conditions.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import { createCacheBarrier } from '../daemonset/shared/cache-barrier.ts';
import type { CacheBarrier } from '../daemonset/shared/cache-barrier.ts';
import { reconcileCached } from '../daemonset/shared/cached-reconcile.ts';
import { claim } from '../daemonset/shared/claim.ts';
import type {
  WorkloadComponents,
  WorkloadController,
  WorkloadInit,
} from '../daemonset/shared/components.ts';
import { CONTROLLER_REVISIONS } from '../daemonset/shared/controller-history.ts';
import { keyOf, ownedChangeHandler } from '../daemonset/shared/keys.ts';
import { PODS, podControl } from '../daemonset/shared/pod-control.ts';
import type { PodControl, PodEventText } from '../daemonset/shared/pod-control.ts';
import { claimRevisions } from '../daemonset/shared/revision-writes.ts';
import { writeStatus } from '../daemonset/shared/status-writer.ts';
import { planStatefulSet } from './stateful-plan.ts';
import type { StatefulAction } from './stateful-plan.ts';
import { STATEFULSET_KIND, isMemberOf, isRunningAndReady, updateIdentity } from './stateful-pod.ts';
import type { StatefulSetObject } from './stateful-pod.ts';
import { applyRevision, statefulSetRevisions, truncateHistory } from './stateful-revisions.ts';

export const STATEFULSETS = findResource('apps', 'statefulsets')!;

export type StatefulSetControllerInit = WorkloadInit;

interface SyncDeps {
  readonly c: WorkloadComponents;
  readonly sets: Informer;
  readonly pods: Informer;
  readonly revisions: Informer;
  readonly barrier: CacheBarrier;
}

export function createStatefulSetController(
  init: StatefulSetControllerInit,
  c: WorkloadComponents,
): WorkloadController {
  const sets = c.informers.for(STATEFULSETS);
  const pods = c.informers.for(PODS);
  const revisions = c.informers.for(CONTROLLER_REVISIONS);
  const barrier = createCacheBarrier();
  const deps: SyncDeps = { c, sets, pods, revisions, barrier };
  // A set being deleted is still synced: planStatefulSet then only writes its status, as upstream.
  const reconcile = reconcileCached<StatefulSetObject>(
    { informer: sets, barrier, cacheRecheckMs: init.cacheRecheckMs },
    (key, set) => syncStatefulSet(deps, key, set),
  );

  const controller = createController(
    { name: 'statefulset', workers: init.workers },
    { clock: c.clock, reconcile, log: c.log },
  );
  const adopters = (orphan: KubeObject): string[] =>
    sets
      .list(orphan.metadata.namespace)
      .filter((s) => selectorOf(s as StatefulSetObject)?.matches(orphan.metadata.labels))
      .map(keyOf);
  sets.onChange((key) => controller.enqueue(key));
  pods.onChange(ownedChangeHandler('StatefulSet', controller.enqueue, adopters));
  revisions.onChange(ownedChangeHandler('StatefulSet', controller.enqueue, adopters));
  return { ...controller, reconcile };
}

function selectorOf(set: StatefulSetObject): Selector | undefined {
  try {
    const s = selectorFromLabelSelector(set.spec?.selector);
    return s.empty() ? undefined : s;
  } catch {
    return undefined;
  }
}

async function syncStatefulSet(
  d: SyncDeps,
  key: string,
  set: StatefulSetObject,
): Promise<ReconcileResult | void> {
  const { c, barrier } = d;
  const selector = selectorOf(set);
  if (!selector) {
    c.log?.(`statefulset ${key}: invalid or empty selector`);
    return;
  }
  const ns = set.metadata.namespace;
  const ctx = { registry: c.registry, barrier, key };
  const target = { owner: set, ownerInfo: STATEFULSETS, ownerKind: STATEFULSET_KIND, selector };
  const members = d.pods.list(ns).filter((p) => isMemberOf(set, p));
  const pods = (await claim(
    { ...ctx, informer: d.pods },
    { ...target, info: PODS },
    members,
  )) as PodObject[];
  const revCtx = { ...ctx, revisions: d.revisions };
  const revs = await statefulSetRevisions(revCtx, set, await claimRevisions(revCtx, target));
  const nowMs = c.clock.now();
  const plan = planStatefulSet({
    set,
    currentSet: applyRevision(set, revs.current),
    updateSet: applyRevision(set, revs.update),
    currentRevision: revs.current.metadata.name!,
    updateRevision: revs.update.metadata.name!,
    collisionCount: revs.collisionCount,
    pods,
    nowMs,
  });
  const control = podControl({ ...ctx, events: c.events, pods: d.pods }, set, statefulText(set));
  let failure: unknown;
  try {
    for (const action of plan.actions) await perform(c, set, control, action);
    await truncateHistory(revCtx, set, pods, revs);
  } catch (e) {
    failure = e;
  }
  await writeStatus({ ...ctx, informer: d.sets }, STATEFULSETS, set, plan.status);
  if (failure) throw failure;
  const minReady = set.spec?.minReadySeconds ?? 0;
  const wait = nextAvailabilityInMs(pods.filter(isRunningAndReady), minReady, nowMs);
  return wait === undefined ? undefined : { requeueAfterMs: wait };
}

function statefulText(set: KubeObject): PodEventText {
  const s = set.metadata.name;
  return {
    created: (pod) => `create Pod ${pod} in StatefulSet ${s} successful`,
    createFailed: (pod, err) => `create Pod ${pod} in StatefulSet ${s} failed error: ${err}`,
    deleted: (pod) => `delete Pod ${pod} in StatefulSet ${s} successful`,
    deleteFailed: (pod, err) => `delete Pod ${pod} in StatefulSet ${s} failed error: ${err}`,
  };
}

async function perform(
  c: WorkloadComponents,
  set: StatefulSetObject,
  control: PodControl,
  action: StatefulAction,
): Promise<void> {
  const { pod } = action;
  const where = `${set.metadata.namespace}/${set.metadata.name}`;
  switch (action.kind) {
    case 'create':
      await control.create(pod);
      return;
    case 'delete':
      if (action.why === 'failed') {
        const msg = `StatefulSet ${where} is recreating failed Pod ${pod.metadata.name}`;
        await c.events.record(set, 'Warning', 'RecreatingFailedPod', msg);
      } else if (action.why === 'succeeded') {
        const msg = `StatefulSet ${where} is recreating terminated Pod ${pod.metadata.name}`;
        await c.events.record(set, 'Normal', 'RecreatingTerminatedPod', msg);
      }
      await control.delete(pod);
      return;
    case 'identity':
      if (await control.modify(pod, (cur) => updateIdentity(set, cur))) {
        const name = pod.metadata.name;
        const msg = `update Pod ${name} in StatefulSet ${set.metadata.name} successful`;
        await c.events.record(set, 'Normal', 'SuccessfulUpdate', msg);
      }
      return;
  }
}
