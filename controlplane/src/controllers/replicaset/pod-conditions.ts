/**
 * What the workload controllers read from a pod's status: whether it still counts (active),
 * whether it is Ready, and since when, which decides availability under `minReadySeconds`.
 */
import type { KubeObject } from '@wisp/api';
import type { PodCondition, PodSpec, PodStatus } from 'kubernetes-types/core/v1.js';

export type PodObject = KubeObject & { spec?: PodSpec; status?: PodStatus };

/** Not finished and not being deleted: the pods a controller counts towards its replicas. */
export function isPodActive(pod: PodObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

function readyCondition(pod: PodObject): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: PodObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod last became Ready (epoch ms), or undefined if it is not Ready or unstamped. */
export function readySinceMs(pod: PodObject): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  const ms = Date.parse(c.lastTransitionTime);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Ready for longer than `minReadySeconds`, as upstream's IsPodAvailable: with a minimum, a
 * Ready condition without a transition time never counts.
 */
export function isPodAvailable(pod: PodObject, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = readySinceMs(pod);
  return since !== undefined && since + minReadySeconds * 1000 < nowMs;
}

/**
 * How long until the first Ready pod that is not yet available becomes available, so the
 * controller can look again then rather than wait for an unrelated event.
 */
export function nextAvailabilityInMs(
  pods: readonly PodObject[],
  minReadySeconds: number,
  nowMs: number,
): number | undefined {
  if (minReadySeconds <= 0) return undefined;
  let soonest: number | undefined;
  for (const pod of pods) {
    const since = readySinceMs(pod);
    if (since === undefined) continue;
    // Availability is strictly after the deadline, hence the extra millisecond.
    const wait = since + minReadySeconds * 1000 - nowMs + 1;
    if (wait > 0 && (soonest === undefined || wait < soonest)) soonest = wait;
  }
  return soonest;
}

/** The highest restart count among the pod's containers. */
export function maxContainerRestarts(pod: PodObject): number {
  let max = 0;
  for (const s of pod.status?.containerStatuses ?? []) max = Math.max(max, s.restartCount ?? 0);
  return max;
}
