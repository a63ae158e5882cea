/**
 * `spec.revisionHistoryLimit`: old ReplicaSets beyond the limit are deleted, lowest revision
 * first, but only once they are scaled to zero, empty, and observed by their controller.
 */
import { isWispError } from '@wisp/core';
import { FIELD_MANAGER } from '../replicaset/controller-ref.ts';
import type { DeploymentSyncDeps } from './deps.ts';
import { byRevision } from './replica-set-lists.ts';
import { REPLICA_SETS, revisionHistoryLimit, specReplicas } from './types.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';

/** MaxInt32 means keep every revision. */
const UNLIMITED = 2147483647;

function removable(rs: ReplicaSetObject): boolean {
  return (
    (rs.status?.replicas ?? 0) === 0 &&
    specReplicas(rs) === 0 &&
    (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0) &&
    !rs.metadata.deletionTimestamp
  );
}

export async function cleanupOldReplicaSets(
  deps: DeploymentSyncDeps,
  oldRss: readonly ReplicaSetObject[],
  d: DeploymentObject,
): Promise<void> {
  const limit = revisionHistoryLimit(d);
  if (limit === UNLIMITED) return;
  const cleanable = oldRss.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
  const excess = cleanable.length - limit;
  for (let i = 0; i < excess; i++) {
    const rs = cleanable[i];
    if (!removable(rs)) continue;
    try {
      await deps.registry.delete(REPLICA_SETS, rs.metadata.namespace, rs.metadata.name!, {
        preconditions: { uid: rs.metadata.uid },
        fieldManager: FIELD_MANAGER,
      });
    } catch (e) {
      if (!isWispError(e, 'ERR_NOT_FOUND') && !isWispError(e, 'ERR_CONFLICT')) throw e;
    }
  }
}
