/**
 * The Deployment controller's writes. ReplicaSet changes are compare-and-swap against the cached
 * resourceVersion, so a decision made on a stale cache fails with a conflict and is retried
 * rather than applied; the Deployment's own status and revision are the controller's alone and
 * are written read-modify-write.
 */
import type { KubeObject } from '@wisp/api';
import type { DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { isWispError } from '@wisp/core';
import { ObjectNotFoundError } from '../../registry/errors.ts';
import { FIELD_MANAGER } from '../replicaset/controller-ref.ts';
import { setReplicasAnnotations } from './annotations.ts';
import type { DeploymentSyncDeps } from './deps.ts';
import { maxSurge } from './fenceposts.ts';
import {
  DEPLOYMENTS,
  desiredReplicas,
  REPLICA_SETS,
  REVISION_ANNOTATION,
  specReplicas,
} from './types.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';

const write = { fieldManager: FIELD_MANAGER };

/** Writes `rs` (changed in place) and takes the stored result back into it. */
export async function updateReplicaSet(
  deps: DeploymentSyncDeps,
  rs: ReplicaSetObject,
): Promise<void> {
  const stored = await deps.registry.update(REPLICA_SETS, rs.metadata.namespace, rs, write);
  Object.assign(rs, stored);
}

/**
 * Sets a ReplicaSet's size and its replica annotations; records a ScalingReplicaSet event when
 * the size changed. True if the size changed.
 */
export async function scaleReplicaSet(
  deps: DeploymentSyncDeps,
  rs: ReplicaSetObject,
  size: number,
  d: DeploymentObject,
): Promise<boolean> {
  const from = specReplicas(rs);
  const resize = from !== size;
  const next = structuredClone(rs);
  const annotated = setReplicasAnnotations(
    next,
    desiredReplicas(d),
    desiredReplicas(d) + maxSurge(d),
  );
  if (!resize && !annotated) return false;
  next.spec = { ...next.spec!, replicas: size };
  await updateReplicaSet(deps, next);
  Object.assign(rs, next);
  if (resize) {
    const how = size > from ? 'up' : 'down';
    const msg = `Scaled ${how} replica set ${rs.metadata.name} from ${from} to ${size}`;
    await deps.events.record(d, 'Normal', 'ScalingReplicaSet', msg);
  }
  return resize;
}

async function modifyDeployment(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  change: (cur: DeploymentObject) => void,
  subresource?: 'status',
): Promise<KubeObject | undefined> {
  const name = d.metadata.name!;
  try {
    const { object } = await deps.registry.modify(
      DEPLOYMENTS,
      d.metadata.namespace,
      name,
      (cur) => {
        if (!cur || cur.metadata.uid !== d.metadata.uid) {
          throw new ObjectNotFoundError(DEPLOYMENTS, name);
        }
        change(cur as DeploymentObject);
        return cur;
      },
      subresource ? { ...write, subresource } : write,
    );
    return object;
  } catch (e) {
    // A Deployment deleted under us needs no status.
    if (isWispError(e, 'ERR_NOT_FOUND')) return undefined;
    throw e;
  }
}

/** Replaces the Deployment's status (in the store and on `d`). */
export async function writeDeploymentStatus(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  status: DeploymentStatus,
): Promise<void> {
  await modifyDeployment(deps, d, (cur) => (cur.status = status), 'status');
  d.status = status;
}

/** Mirrors the current revision on the Deployment, where `rollout status` and `undo` read it. */
export async function setDeploymentRevision(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  revision: string,
): Promise<void> {
  if (d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
  await modifyDeployment(deps, d, (cur) => {
    cur.metadata.annotations = { ...cur.metadata.annotations, [REVISION_ANNOTATION]: revision };
  });
  d.metadata.annotations = { ...d.metadata.annotations, [REVISION_ANNOTATION]: revision };
}
