/**
 * Rolling update of a DaemonSet, as upstream's `rollingUpdate`. Without surge it deletes just
 * enough old pods to stay within maxUnavailable and lets `manage` create their replacements;
 * with surge it creates new pods beside old ones (up to maxSurge) and deletes an old pod once its
 * replacement is available. Pure: it returns what to do.
 */
import type { DaemonSetLike } from './daemon-pods.ts';
import type { Node } from 'kubernetes-types/core/v1.js';
import { scaledValue } from './shared/int-or-percent.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import { isPodAvailable } from '../replicaset/pod-conditions.ts';
import { podHash } from './daemon-pods.ts';
import { nodeShouldRunDaemonPod } from './node-eligibility.ts';

export interface RolloutInput {
  readonly ds: DaemonSetLike;
  readonly nodes: readonly Node[];
  readonly byNode: ReadonlyMap<string, readonly PodObject[]>;
  readonly hash: string;
  readonly nowMs: number;
}

export interface RolloutPlan {
  readonly deletePods: PodObject[];
  readonly createOn: string[];
}

export interface RolloutLimits {
  readonly maxSurge: number;
  readonly maxUnavailable: number;
  readonly desired: number;
}

/** Scaled against the nodes that should run the pod; both zero means one unavailable. */
export function rolloutLimits(ds: DaemonSetLike, nodes: readonly Node[]): RolloutLimits {
  const desired = nodes.filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun).length;
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge, desired, true, 0);
  const maxUnavailable = scaledValue(ru?.maxUnavailable, desired, true, 1);
  if (maxSurge === 0 && maxUnavailable === 0) return { maxSurge, maxUnavailable: 1, desired };
  return { maxSurge, maxUnavailable, desired };
}

/** The one new and one old live pod on a node; undefined when there are several of either. */
function updatedPodsOnNode(
  pods: readonly PodObject[],
  hash: string,
): { newPod?: PodObject; oldPod?: PodObject } | undefined {
  let newPod: PodObject | undefined;
  let oldPod: PodObject | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (podHash(pod) === hash) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { newPod, oldPod };
}

export function planRollingUpdate(input: RolloutInput): RolloutPlan {
  const limits = rolloutLimits(input.ds, input.nodes);
  return limits.maxSurge === 0
    ? planWithoutSurge(input, limits.maxUnavailable)
    : planWithSurge(input, limits);
}

function planWithoutSurge(input: RolloutInput, maxUnavailable: number): RolloutPlan {
  const minReady = input.ds.spec?.minReadySeconds ?? 0;
  const available = (p: PodObject) => isPodAvailable(p, minReady, input.nowMs);
  let unavailable = 0;
  const replaceNow: PodObject[] = [];
  const candidates: PodObject[] = [];
  for (const pods of input.byNode.values()) {
    const found = updatedPodsOnNode(pods, input.hash);
    // Extra pods, no pod, or an old and a new one: `manage` sorts the node out first.
    if (!found || !found.newPod === !found.oldPod) {
      unavailable++;
      continue;
    }
    if (found.newPod) {
      if (!available(found.newPod)) unavailable++;
      continue;
    }
    const old = found.oldPod!;
    if (!available(old)) replaceNow.push(old);
    else if (unavailable < maxUnavailable) candidates.push(old);
  }
  const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
  return { deletePods: [...replaceNow, ...candidates.slice(0, room)], createOn: [] };
}

function planWithSurge(input: RolloutInput, limits: RolloutLimits): RolloutPlan {
  const minReady = input.ds.spec?.minReadySeconds ?? 0;
  const available = (p: PodObject | undefined) =>
    p !== undefined && isPodAvailable(p, minReady, input.nowMs);
  const nodes = new Map(input.nodes.map((n) => [n.metadata?.name ?? '', n]));
  const deletePods: PodObject[] = [];
  const misplaced: PodObject[] = [];
  const allowedNew: string[] = [];
  const candidateNew: string[] = [];
  let surging = 0;
  let availableCount = 0;
  for (const [nodeName, pods] of input.byNode) {
    const found = updatedPodsOnNode(pods, input.hash);
    if (!found) {
      surging++;
      continue;
    }
    const { newPod, oldPod } = found;
    if (available(oldPod) || available(newPod)) availableCount++;
    if (!oldPod) continue;
    if (newPod) {
      if (!available(newPod)) surging++;
      else deletePods.push(oldPod);
      continue;
    }
    if (!available(oldPod)) {
      const node = nodes.get(nodeName);
      if (!node || !nodeShouldRunDaemonPod(node, input.ds).shouldRun) misplaced.push(oldPod);
      else allowedNew.push(nodeName);
    } else if (surging < limits.maxSurge) candidateNew.push(nodeName);
  }
  // A pod on a node that no longer wants it goes only once enough others are available.
  const deletable = availableCount - limits.desired;
  if (deletable >= 0) deletePods.push(...misplaced.slice(0, deletable));
  const room = Math.min(Math.max(0, limits.maxSurge - surging), candidateNew.length);
  return { deletePods, createOn: [...allowedNew, ...candidateNew.slice(0, room)] };
}
