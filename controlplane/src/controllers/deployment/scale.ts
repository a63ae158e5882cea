/**
 * Scaling without rolling: when `spec.replicas` changes (or the Deployment is paused), the
 * ReplicaSets keep their proportions. One active ReplicaSet simply takes the new size; during a
 * rollout the difference is shared in proportion to each ReplicaSet's size, the largest taking
 * the rounding leftover, as upstream's proportional scaling does.
 */
import {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  desiredReplicas,
  isRollingUpdate,
  specReplicas,
} from './types.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';
import { replicasAnnotation } from './annotations.ts';
import { cleanupOldReplicaSets } from './cleanup.ts';
import type { DeploymentSyncDeps } from './deps.ts';
import { maxSurge } from './fenceposts.ts';
import { replicaSetGroups } from './new-replica-set.ts';
import { syncDeploymentStatus } from './progress.ts';
import {
  activeReplicaSets,
  byCreation,
  bySizeNewer,
  bySizeOlder,
  wantedReplicas,
} from './replica-set-lists.ts';
import { scaleReplicaSet } from './writes.ts';

/** True when an active ReplicaSet was sized for another `spec.replicas` than the current one. */
export async function isScalingEvent(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  rsList: readonly ReplicaSetObject[],
): Promise<boolean> {
  const { newRs, oldRss } = await replicaSetGroups(deps, d, rsList, false);
  for (const rs of activeReplicaSets([...oldRss, newRs])) {
    const desired = replicasAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
    if (desired !== undefined && desired !== desiredReplicas(d)) return true;
  }
  return false;
}

/** Scales to `spec.replicas`, trims history when paused, and reports status. */
export async function syncScaling(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  rsList: readonly ReplicaSetObject[],
): Promise<void> {
  const { newRs, oldRss } = await replicaSetGroups(deps, d, rsList, false);
  await scale(deps, d, newRs, oldRss);
  if (d.spec?.paused) await cleanupOldReplicaSets(deps, oldRss, d);
  const allRss = newRs ? [...oldRss, newRs] : [...oldRss];
  await syncDeploymentStatus(deps, allRss, newRs, d);
}

function activeOrLatest(
  newRs: ReplicaSetObject | undefined,
  oldRss: readonly ReplicaSetObject[],
): ReplicaSetObject | undefined {
  if (!newRs && oldRss.length === 0) return undefined;
  const newestFirst = [...oldRss].sort(byCreation).reverse();
  const active = activeReplicaSets([...newestFirst, newRs]);
  if (active.length === 0) return newRs ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

function isSaturated(d: DeploymentObject, rs: ReplicaSetObject | undefined): boolean {
  if (!rs) return false;
  const want = desiredReplicas(d);
  return (
    specReplicas(rs) === want &&
    replicasAnnotation(rs, DESIRED_REPLICAS_ANNOTATION) === want &&
    (rs.status?.availableReplicas ?? 0) === want
  );
}

async function scale(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  newRs: ReplicaSetObject | undefined,
  oldRss: readonly ReplicaSetObject[],
): Promise<void> {
  const single = activeOrLatest(newRs, oldRss);
  if (single) {
    // Also refreshes stale replica annotations, which would otherwise keep this a scaling event.
    await scaleReplicaSet(deps, single, desiredReplicas(d), d);
    return;
  }
  if (isSaturated(d, newRs)) {
    for (const rs of activeReplicaSets(oldRss)) await scaleReplicaSet(deps, rs, 0, d);
    return;
  }
  if (isRollingUpdate(d)) await scaleProportionally(deps, d, activeReplicaSets([...oldRss, newRs]));
}

async function scaleProportionally(
  deps: DeploymentSyncDeps,
  d: DeploymentObject,
  active: ReplicaSetObject[],
): Promise<void> {
  const want = desiredReplicas(d);
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - wantedReplicas(active);
  if (toAdd > 0) active.sort(bySizeNewer);
  else if (toAdd < 0) active.sort(bySizeOlder);
  let added = 0;
  const sizes = active.map((rs) => {
    if (toAdd === 0) return specReplicas(rs);
    const share = proportion(rs, d, toAdd, added);
    added += share;
    return specReplicas(rs) + share;
  });
  // The largest ReplicaSet takes what rounding left over.
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0] + toAdd - added);
  for (let i = 0; i < active.length; i++) await scaleReplicaSet(deps, active[i], sizes[i], d);
}

function proportion(rs: ReplicaSetObject, d: DeploymentObject, toAdd: number, added: number) {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const share = fraction(rs, d);
  const left = toAdd - added;
  return toAdd > 0 ? Math.min(share, left) : Math.max(share, left);
}

/** How much `rs` would grow or shrink if sized for the Deployment's new maximum. */
function fraction(rs: ReplicaSetObject, d: DeploymentObject): number {
  const want = desiredReplicas(d);
  if (want === 0) return -specReplicas(rs);
  const newMax = want + maxSurge(d);
  const oldMax = replicasAnnotation(rs, MAX_REPLICAS_ANNOTATION) ?? d.status?.replicas ?? 0;
  if (oldMax === 0) return 0;
  return Math.round((specReplicas(rs) * newMax) / oldMax) - specReplicas(rs);
}
