/**
 * The core of a DaemonSet sync, as upstream's `manage`: for every node, create the missing daemon
 * pod, delete failed or finished ones (with back-off), prune extra copies, delete pods from nodes
 * that stopped matching and from nodes that are gone. Pure: it returns what to do.
 */
import type { DaemonSetLike } from './daemon-pods.ts';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import { isPodAvailable, isPodReady } from '../replicaset/pod-conditions.ts';
import { byCreation, podHash } from './daemon-pods.ts';
import { nodeShouldRunDaemonPod } from './node-eligibility.ts';

export interface ManageInput {
  readonly ds: DaemonSetLike;
  readonly nodes: readonly Node[];
  readonly byNode: ReadonlyMap<string, readonly PodObject[]>;
  readonly hash: string;
  /** Whether the rolling update may run an old and a new pod side by side (maxSurge > 0). */
  readonly surge: boolean;
  readonly nowMs: number;
  /** Milliseconds until a finished pod on this node may be replaced again; 0 to go ahead. */
  readonly backoffRemainingMs: (nodeName: string) => number;
}

export interface FinishedPod {
  readonly pod: PodObject;
  readonly node: string;
}

export interface ManagePlan {
  readonly createOn: string[];
  readonly deletePods: PodObject[];
  /** Failed or succeeded pods being replaced (each gets an event and a back-off step). */
  readonly finished: FinishedPod[];
  readonly requeueAfterMs?: number;
}

interface NodePlan {
  create: boolean;
  remove: PodObject[];
  finished: FinishedPod[];
  waitMs?: number;
}

export function planManage(input: ManageInput): ManagePlan {
  const createOn: string[] = [];
  const deletePods: PodObject[] = [];
  const finished: FinishedPod[] = [];
  let requeueAfterMs: number | undefined;
  const known = new Set<string>();
  for (const node of input.nodes) {
    const name = node.metadata?.name ?? '';
    known.add(name);
    const p = planNode(input, node, input.byNode.get(name) ?? []);
    if (p.create) createOn.push(name);
    deletePods.push(...p.remove);
    finished.push(...p.finished);
    if (p.waitMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, p.waitMs);
  }
  // Pods for nodes that no longer exist: nothing will ever run them.
  for (const [node, pods] of input.byNode) {
    if (known.has(node)) continue;
    deletePods.push(...pods.filter((p) => !p.metadata.deletionTimestamp));
  }
  return { createOn, deletePods, finished, requeueAfterMs };
}

function planNode(input: ManageInput, node: Node, pods: readonly PodObject[]): NodePlan {
  const name = node.metadata?.name ?? '';
  const verdict = nodeShouldRunDaemonPod(node, input.ds);
  const plan: NodePlan = { create: false, remove: [], finished: [] };
  if (verdict.shouldRun && pods.length === 0) {
    plan.create = true;
    return plan;
  }
  if (!verdict.shouldContinueRunning) {
    plan.remove = pods.filter((p) => !p.metadata.deletionTimestamp);
    return plan;
  }
  const running: PodObject[] = [];
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const phase = pod.status?.phase;
    if (phase !== 'Failed' && phase !== 'Succeeded') {
      running.push(pod);
      continue;
    }
    const wait = input.backoffRemainingMs(name);
    if (wait > 0) {
      plan.waitMs = Math.min(plan.waitMs ?? Infinity, wait);
      continue;
    }
    plan.finished.push({ pod, node: name });
    plan.remove.push(pod);
  }
  plan.remove.push(...excessPods(input, running));
  if (input.surge && running.length === 0 && verdict.shouldRun && pods.length > 0) {
    // Surging keeps at least one live pod per node, even while the old one terminates.
    plan.create = true;
  }
  return plan;
}

/**
 * More than one live pod on a node: without surge keep the oldest. With surge keep the oldest
 * new and the oldest old pod, and drop the old one once the new one is available (or the old
 * one is not even ready).
 */
function excessPods(input: ManageInput, running: PodObject[]): PodObject[] {
  if (running.length <= 1) return [];
  const sorted = [...running].sort(byCreation);
  if (!input.surge) return sorted.slice(1);
  let oldestNew: PodObject | undefined;
  let oldestOld: PodObject | undefined;
  const extra: PodObject[] = [];
  for (const pod of sorted) {
    if (podHash(pod) === input.hash) {
      if (!oldestNew) oldestNew = pod;
      else extra.push(pod);
    } else if (!oldestOld) oldestOld = pod;
    else extra.push(pod);
  }
  if (oldestNew && oldestOld) {
    const minReady = input.ds.spec?.minReadySeconds ?? 0;
    if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, input.nowMs)) {
      extra.push(oldestOld);
    }
  }
  return extra;
}
