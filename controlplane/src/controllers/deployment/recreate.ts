/**
 * The Recreate strategy: scale every old ReplicaSet to zero, wait until none of their pods is
 * left running (terminating ones included), and only then create the new ReplicaSet at full
 * size.
 */
import { cleanupOldReplicaSets } from './cleanup.ts';
import type { DeploymentSyncDeps } from './deps.ts';
import { deploymentComplete } from './deployment-status.ts';
import { replicaSetGroups } from './new-replica-set.ts';
import { syncRolloutStatus } from './progress.ts';
import { activeReplicaSets, actualReplicas } from './replica-set-lists.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import { desiredReplicas } from './types.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';
import { scaleReplicaSet } from './writes.ts';

/** Pods by the uid of the ReplicaSet that controls them. */
export type PodsByReplicaSet = ReadonlyMap<string, readonly PodObject[]>;

export async function rolloutRecreate(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  rsList: readonly ReplicaSetObject[],
  pods: PodsByReplicaSet,
): Promise<void> {
  let { newRs, oldRss } = await replicaSetGroups(deps, d, rsList, false);
  let allRss = newRs ? [...oldRss, newRs] : [...oldRss];
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRss)) {
    if (await scaleReplicaSet(deps, rs, 0, d)) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(newRs, oldRss, pods)) {
    return syncRolloutStatus(deps, allRss, newRs, d);
  }
  if (!newRs) {
    ({ newRs, oldRss } = await replicaSetGroups(deps, d, rsList, true));
    allRss = newRs ? [...oldRss, newRs] : [...oldRss];
  }
  if (newRs) await scaleReplicaSet(deps, newRs, desiredReplicas(d), d);
  if (d.status && deploymentComplete(d, d.status)) await cleanupOldReplicaSets(deps, oldRss, d);
  return syncRolloutStatus(deps, allRss, newRs, d);
}

function oldPodsRunning(
  newRs: ReplicaSetObject | undefined,
  oldRss: readonly ReplicaSetObject[],
  pods: PodsByReplicaSet,
): boolean {
  if (actualReplicas(oldRss) > 0) return true;
  for (const [uid, list] of pods) {
    if (uid === newRs?.metadata.uid) continue;
    for (const pod of list) {
      const phase = pod.status?.phase;
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}
