/**
 * The RollingUpdate strategy, one step per reconcile: grow the new ReplicaSet up to the surge,
 * else shrink old ones as far as availability allows (unhealthy pods first), else, once
 * complete, trim the revision history. Every step ends by reporting status.
 */
import { cleanupOldReplicaSets } from './cleanup.ts';
import type { DeploymentSyncDeps } from './deps.ts';
import { deploymentComplete } from './deployment-status.ts';
import { maxUnavailable } from './fenceposts.ts';
import { newReplicaSetReplicas, replicaSetGroups } from './new-replica-set.ts';
import { syncRolloutStatus } from './progress.ts';
import { activeReplicaSets, byCreation, wantedReplicas } from './replica-set-lists.ts';
import { desiredReplicas, specReplicas } from './types.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';
import { scaleReplicaSet } from './writes.ts';

export async function rolloutRolling(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  rsList: readonly ReplicaSetObject[],
): Promise<void> {
  const { newRs, oldRss } = await replicaSetGroups(deps, d, rsList, true);
  const allRss = newRs ? [...oldRss, newRs] : [...oldRss];
  if (newRs && (await reconcileNewReplicaSet(deps, allRss, newRs, d))) {
    return syncRolloutStatus(deps, allRss, newRs, d);
  }
  if (await reconcileOldReplicaSets(deps, allRss, activeReplicaSets(oldRss), newRs, d)) {
    return syncRolloutStatus(deps, allRss, newRs, d);
  }
  if (d.status && deploymentComplete(d, d.status)) await cleanupOldReplicaSets(deps, oldRss, d);
  return syncRolloutStatus(deps, allRss, newRs, d);
}

async function reconcileNewReplicaSet(
  deps: DeploymentSyncDeps,
  allRss: readonly ReplicaSetObject[],
  newRs: ReplicaSetObject,
  d: DeploymentObject,
): Promise<boolean> {
  const want = desiredReplicas(d);
  if (specReplicas(newRs) === want) return false;
  if (specReplicas(newRs) > want) return scaleReplicaSet(deps, newRs, want, d);
  return scaleReplicaSet(deps, newRs, newReplicaSetReplicas(d, allRss, newRs), d);
}

/**
 * Available pods a ReplicaSet can be counted on for: a ReplicaSet just scaled down may still
 * report the pods it is about to delete.
 */
function availableAfterScaling(rsList: readonly ReplicaSetObject[]): number {
  return rsList.reduce(
    (n, rs) => n + Math.min(rs.status?.availableReplicas ?? 0, specReplicas(rs)),
    0,
  );
}

async function reconcileOldReplicaSets(
  deps: DeploymentSyncDeps,
  allRss: readonly ReplicaSetObject[],
  oldRss: ReplicaSetObject[],
  newRs: ReplicaSetObject | undefined,
  d: DeploymentObject,
): Promise<boolean> {
  if (wantedReplicas(oldRss) === 0) return false;
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = newRs
    ? specReplicas(newRs) - Math.min(newRs.status?.availableReplicas ?? 0, specReplicas(newRs))
    : 0;
  const maxScaledDown = wantedReplicas(allRss) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(deps, oldRss, d, maxScaledDown);
  const all = newRs ? [...oldRss, newRs] : [...oldRss];
  const scaledDown = await scaleDownOldReplicaSets(deps, all, oldRss, d);
  return cleaned + scaledDown > 0;
}

/** Removes old pods that are not available anyway, oldest ReplicaSets first. */
async function cleanupUnhealthyReplicas(
  deps: DeploymentSyncDeps,
  oldRss: ReplicaSetObject[],
  d: DeploymentObject,
  maxCleanup: number,
): Promise<number> {
  let total = 0;
  for (const rs of [...oldRss].sort(byCreation)) {
    if (total >= maxCleanup) break;
    const size = specReplicas(rs);
    const available = Math.min(rs.status?.availableReplicas ?? 0, size);
    if (size === 0 || size === available) continue;
    const n = Math.min(maxCleanup - total, size - available);
    await scaleReplicaSet(deps, rs, size - n, d);
    total += n;
  }
  return total;
}

/** Shrinks old ReplicaSets, oldest first, while availability stays above the minimum. */
async function scaleDownOldReplicaSets(
  deps: DeploymentSyncDeps,
  allRss: readonly ReplicaSetObject[],
  oldRss: ReplicaSetObject[],
  d: DeploymentObject,
): Promise<number> {
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const available = availableAfterScaling(allRss);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRss].sort(byCreation)) {
    if (total >= budget) break;
    const size = specReplicas(rs);
    if (size === 0) continue;
    const n = Math.min(size, budget - total);
    await scaleReplicaSet(deps, rs, size - n, d);
    total += n;
  }
  return total;
}
