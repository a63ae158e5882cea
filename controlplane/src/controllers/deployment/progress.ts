/**
 * The status a rollout reports, with the Progressing condition upstream's way: moving pods
 * refresh it (ReplicaSetUpdated), a finished rollout marks it NewReplicaSetAvailable, and no
 * movement for `progressDeadlineSeconds` turns it to ProgressDeadlineExceeded. A ReplicaFailure
 * of the ReplicaSets is surfaced too.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DeploymentCondition } from 'kubernetes-types/apps/v1.js';
import type { ReconcileResult } from '../framework/controller.ts';
import { getCondition, newCondition, removeCondition, setCondition } from './conditions.ts';
import type { DeploymentSyncDeps } from './deps.ts';
import {
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  progressDeadlineAtMs,
} from './deployment-status.ts';
import { hasProgressDeadline, Reasons } from './types.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';
import { writeDeploymentStatus } from './writes.ts';

function subject(d: DeploymentObject, newRs: ReplicaSetObject | undefined): string {
  return newRs ? `ReplicaSet "${newRs.metadata.name}"` : `Deployment "${d.metadata.name}"`;
}

export async function syncRolloutStatus(
  deps: DeploymentSyncDeps,
  allRss: readonly ReplicaSetObject[],
  newRs: ReplicaSetObject | undefined,
  d: DeploymentObject,
): Promise<void> {
  const now = deps.clock.now();
  const status = calculateStatus(allRss, newRs, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(status, 'Progressing');
  const finished =
    (status.replicas ?? 0) === (status.updatedReplicas ?? 0) &&
    current?.reason === Reasons.newRsAvailable;
  if (hasProgressDeadline(d) && !finished) {
    const who = subject(d, newRs);
    if (deploymentComplete(d, status)) {
      const msg = `${who} has successfully progressed.`;
      setCondition(status, newCondition('Progressing', 'True', Reasons.newRsAvailable, msg, now));
    } else if (deploymentProgressing(d, status)) {
      const cond = newCondition(
        'Progressing',
        'True',
        Reasons.rsUpdated,
        `${who} is progressing.`,
        now,
      );
      if (current) {
        // Removing first makes the update time move even though status and reason may not.
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, 'Progressing');
      }
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, now)) {
      const msg = `${who} has timed out progressing.`;
      setCondition(status, newCondition('Progressing', 'False', Reasons.timedOut, msg, now));
    }
  }
  const failure = replicaFailure(allRss, newRs);
  if (failure) setCondition(status, failure);
  else removeCondition(status, 'ReplicaFailure');
  if (!isDeepStrictEqual(d.status ?? {}, status)) await writeDeploymentStatus(deps, d, status);
}

/** Status without rollout progress: for paused Deployments, scaling, and deletion. */
export async function syncDeploymentStatus(
  deps: DeploymentSyncDeps,
  allRss: readonly ReplicaSetObject[],
  newRs: ReplicaSetObject | undefined,
  d: DeploymentObject,
): Promise<void> {
  const status = calculateStatus(allRss, newRs, d, deps.clock.now());
  if (!isDeepStrictEqual(d.status ?? {}, status)) await writeDeploymentStatus(deps, d, status);
}

/** The new ReplicaSet's failure first, else any other's, as a Deployment condition. */
function replicaFailure(
  allRss: readonly ReplicaSetObject[],
  newRs: ReplicaSetObject | undefined,
): DeploymentCondition | undefined {
  const from = [newRs, ...allRss];
  for (const rs of from) {
    const c = rs?.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
    if (!c) continue;
    return {
      type: 'ReplicaFailure',
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastUpdateTime: c.lastTransitionTime,
      lastTransitionTime: c.lastTransitionTime,
    };
  }
  return undefined;
}

/**
 * When to look again so a stalled rollout is marked ProgressDeadlineExceeded on time even if
 * nothing else changes.
 */
export function progressRequeue(d: DeploymentObject, nowMs: number): ReconcileResult | undefined {
  if (!hasProgressDeadline(d) || d.spec?.paused) return undefined;
  const s = d.status ?? {};
  const cond = getCondition(s, 'Progressing');
  if (!cond || cond.reason === Reasons.timedOut || deploymentComplete(d, s)) return undefined;
  const at = progressDeadlineAtMs(d, s);
  if (at === undefined) return undefined;
  // The deadline passes strictly after `at`.
  return { requeueAfterMs: Math.max(0, at - nowMs) + 1 };
}
