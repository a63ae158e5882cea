/**
 * A Deployment's status from its ReplicaSets, and the three questions the progress deadline
 * asks of it: is the rollout complete, has it moved since the last status, has it run out of
 * time.
 */
import type { DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { getCondition, newCondition, setCondition } from './conditions.ts';
import { maxUnavailable } from './fenceposts.ts';
import {
  actualReplicas,
  availableReplicas,
  readyReplicas,
  wantedReplicas,
} from './replica-set-lists.ts';
import { desiredReplicas, hasProgressDeadline, progressDeadlineSeconds, Reasons } from './types.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';

export function calculateStatus(
  allRss: readonly ReplicaSetObject[],
  newRs: ReplicaSetObject | undefined,
  d: DeploymentObject,
  nowMs: number,
): DeploymentStatus {
  const available = availableReplicas(allRss);
  const status: DeploymentStatus = {};
  if (d.metadata.generation !== undefined) status.observedGeneration = d.metadata.generation;
  // Zero counts are left out, as the Go types' omitempty does.
  const counts: [keyof DeploymentStatus, number][] = [
    ['replicas', actualReplicas(allRss)],
    ['updatedReplicas', actualReplicas([newRs])],
    ['readyReplicas', readyReplicas(allRss)],
    ['availableReplicas', available],
    ['unavailableReplicas', Math.max(0, wantedReplicas(allRss) - available)],
  ];
  for (const [k, v] of counts) if (v > 0) (status as Record<string, number>)[k] = v;
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    const msg = 'Deployment has minimum availability.';
    setCondition(status, newCondition('Available', 'True', Reasons.minimumAvailable, msg, nowMs));
  } else {
    const msg = 'Deployment does not have minimum availability.';
    setCondition(
      status,
      newCondition('Available', 'False', Reasons.minimumUnavailable, msg, nowMs),
    );
  }
  return status;
}

/** Every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: DeploymentObject, s: DeploymentStatus): boolean {
  const want = desiredReplicas(d);
  return (
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** More pods updated, ready or available, or fewer old ones, than the last status said. */
export function deploymentProgressing(d: DeploymentObject, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** When the Progressing condition last moved, plus the deadline (epoch ms). */
export function progressDeadlineAtMs(d: DeploymentObject, s: DeploymentStatus): number | undefined {
  const c = getCondition(s, 'Progressing');
  if (!c?.lastUpdateTime) return undefined;
  return Date.parse(c.lastUpdateTime) + progressDeadlineSeconds(d) * 1000;
}

export function deploymentTimedOut(
  d: DeploymentObject,
  s: DeploymentStatus,
  nowMs: number,
): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === Reasons.newRsAvailable) return false;
  if (c.reason === Reasons.timedOut) return true;
  const at = progressDeadlineAtMs(d, s);
  return at !== undefined && at < nowMs;
}
