/**
 * Finding, and when asked creating, the ReplicaSet that runs a Deployment's current template:
 * `<deployment>-<pod-template-hash>` with the hash label on its selector and pods, revision
 * max(old) + 1, and the Deployment's annotations. The Deployment's revision annotation and its
 * Progressing condition follow.
 */
import type { KubeObject } from '@wisp/api';
import { isWispError } from '@wisp/core';
import { isControlledBy, newControllerRef, FIELD_MANAGER } from '../replicaset/controller-ref.ts';
import { maxRevision, setNewReplicaSetAnnotations } from './annotations.ts';
import { getCondition, newCondition, setCondition } from './conditions.ts';
import type { DeploymentSyncDeps } from './deps.ts';
import { maxSurge } from './fenceposts.ts';
import { findNewReplicaSet, findOldReplicaSets, wantedReplicas } from './replica-set-lists.ts';
import { computeTemplateHash, equalIgnoreHash } from './template-hash.ts';
import {
  DEPLOYMENT_KIND,
  desiredReplicas,
  hasProgressDeadline,
  isRollingUpdate,
  POD_TEMPLATE_HASH_LABEL,
  Reasons,
  REPLICA_SETS,
  REVISION_ANNOTATION,
  specReplicas,
} from './types.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';
import { setDeploymentRevision, updateReplicaSet, writeDeploymentStatus } from './writes.ts';

export interface ReplicaSetGroups {
  readonly newRs: ReplicaSetObject | undefined;
  readonly oldRss: ReplicaSetObject[];
}

/** The new and old ReplicaSets; creates the new one when `create` and it does not exist. */
export async function replicaSetGroups(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  rsList: readonly ReplicaSetObject[],
  create: boolean,
): Promise<ReplicaSetGroups> {
  const existing = findNewReplicaSet(d, rsList);
  const oldRss = findOldReplicaSets(rsList, existing);
  const newRs = await syncNewReplicaSet(deps, d, existing, oldRss, create);
  return { newRs, oldRss };
}

/** How big a new ReplicaSet may be now: all of it for Recreate, up to the surge otherwise. */
export function newReplicaSetReplicas(
  d: DeploymentObject,
  allRss: readonly ReplicaSetObject[],
  newRs: ReplicaSetObject,
): number {
  const want = desiredReplicas(d);
  if (!isRollingUpdate(d)) return want;
  const current = wantedReplicas(allRss);
  const totalMax = want + maxSurge(d);
  if (current >= totalMax) return specReplicas(newRs);
  const up = Math.min(totalMax - current, want - specReplicas(newRs));
  return specReplicas(newRs) + up;
}

async function syncNewReplicaSet(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  existing: ReplicaSetObject | undefined,
  oldRss: ReplicaSetObject[],
  create: boolean,
): Promise<ReplicaSetObject | undefined> {
  const newRevision = maxRevision(oldRss) + 1;
  if (existing) return adoptAsNew(deps, d, existing, newRevision);
  if (!create) return undefined;
  return createNewReplicaSet(deps, d, oldRss, newRevision);
}

/** Brings an existing new ReplicaSet's annotations and minReadySeconds up to date, in place. */
async function adoptAsNew(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  existing: ReplicaSetObject,
  newRevision: number,
): Promise<ReplicaSetObject> {
  const rs = structuredClone(existing);
  const annotated = setNewReplicaSetAnnotations(d, rs, newRevision, true);
  const minReady = d.spec?.minReadySeconds ?? 0;
  const minReadyChanged = (rs.spec?.minReadySeconds ?? 0) !== minReady;
  if (minReadyChanged) rs.spec = { ...rs.spec!, minReadySeconds: minReady };
  if (annotated || minReadyChanged) {
    await updateReplicaSet(deps, rs);
    // The caller's list holds this object too; later steps must see what was stored.
    Object.assign(existing, rs);
  }
  await setDeploymentRevision(deps, d, rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
  if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
    const status = structuredClone(d.status ?? {});
    const msg = `Found new replica set "${rs.metadata.name}"`;
    const now = deps.clock.now();
    setCondition(status, newCondition('Progressing', 'True', Reasons.foundNewRs, msg, now));
    await writeDeploymentStatus(deps, d, status);
  }
  return rs;
}

function newReplicaSetObject(d: DeploymentObject, hash: string): ReplicaSetObject {
  const template = structuredClone(d.spec!.template);
  template.metadata = { ...template.metadata };
  template.metadata.labels = { ...template.metadata.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
  const selector = structuredClone(d.spec!.selector);
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      ownerReferences: [newControllerRef(d, DEPLOYMENT_KIND)],
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector,
      template,
    },
  };
}

async function createNewReplicaSet(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  oldRss: ReplicaSetObject[],
  newRevision: number,
): Promise<ReplicaSetObject | undefined> {
  const hash = computeTemplateHash(d.spec?.template, d.status?.collisionCount);
  const rs = newReplicaSetObject(d, hash);
  rs.spec!.replicas = newReplicaSetReplicas(d, [...oldRss, rs], rs);
  setNewReplicaSetAnnotations(d, rs, newRevision, false);
  let created: ReplicaSetObject;
  let existed = false;
  try {
    created = (await deps.registry.create(REPLICA_SETS, rs.metadata.namespace, rs, {
      fieldManager: FIELD_MANAGER,
    })) as ReplicaSetObject;
  } catch (e) {
    if (isWispError(e, 'ERR_ALREADY_EXISTS')) {
      const found = await sameTemplateReplicaSet(deps, d, rs.metadata.name!);
      if (!found) {
        await recordCollision(deps, d);
        throw e;
      }
      created = found;
      existed = true;
    } else {
      await recordCreateFailure(deps, d, e);
      throw e;
    }
  }
  if (!existed && specReplicas(created) > 0) {
    const msg = `Scaled up replica set ${created.metadata.name} from 0 to ${specReplicas(created)}`;
    await deps.events.record(d, 'Normal', 'ScalingReplicaSet', msg);
  }
  await setDeploymentRevision(deps, d, String(newRevision));
  if (!existed && hasProgressDeadline(d)) {
    const status = structuredClone(d.status ?? {});
    const msg = `Created new replica set "${created.metadata.name}"`;
    const now = deps.clock.now();
    setCondition(status, newCondition('Progressing', 'True', Reasons.newRsCreated, msg, now));
    await writeDeploymentStatus(deps, d, status);
  }
  return created;
}

/**
 * The stored ReplicaSet of that name if it is this Deployment's with this template (our cache was
 * behind); undefined if the name is taken by something else (a hash collision).
 */
async function sameTemplateReplicaSet(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  name: string,
): Promise<ReplicaSetObject | undefined> {
  let rs: KubeObject;
  try {
    rs = await deps.registry.get(REPLICA_SETS, d.metadata.namespace, name);
  } catch (e) {
    if (isWispError(e, 'ERR_NOT_FOUND')) return undefined;
    throw e;
  }
  const same =
    isControlledBy(rs, d) &&
    equalIgnoreHash((rs as ReplicaSetObject).spec?.template, d.spec?.template);
  return same ? (rs as ReplicaSetObject) : undefined;
}

/** Bumps `status.collisionCount` so the next attempt hashes to another name. */
async function recordCollision(deps: DeploymentSyncDeps, d: DeploymentObject): Promise<void> {
  const status = structuredClone(d.status ?? {});
  status.collisionCount = (status.collisionCount ?? 0) + 1;
  await writeDeploymentStatus(deps, d, status);
}

async function recordCreateFailure(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  e: unknown,
): Promise<void> {
  const why = e instanceof Error ? e.message : String(e);
  await deps.events.record(d, 'Warning', Reasons.failedRsCreate, why);
  if (!hasProgressDeadline(d)) return;
  const status = structuredClone(d.status ?? {});
  const now = deps.clock.now();
  setCondition(status, newCondition('Progressing', 'False', Reasons.failedRsCreate, why, now));
  await writeDeploymentStatus(deps, d, status);
}
