/**
 * The shapes the scheduler's pure core works on: the pod to place, the nodes, the pods already
 * on each node, and what comes back (a node, or why no node fits).
 */
import type { Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { RuntimeClass } from 'kubernetes-types/node/v1.js';
import type { Labels } from '@wisp/api/labels/index.ts';
import type { Random } from '@wisp/core';

export type { Node, Pod, RuntimeClass, Taint, Toleration };

/** Why one node was rejected, in kube-scheduler's words. */
export interface FilterFailure {
  readonly node: string;
  /** Reason strings, counted per node in the message (`Insufficient cpu`). */
  readonly reasons: readonly string[];
  /**
   * True when evicting other pods could make room (kube-scheduler's `Unschedulable`), false when
   * nothing on the node could change the outcome (`UnschedulableAndUnresolvable`).
   */
  readonly resolvable: boolean;
}

/** Pods bound (or assumed bound) to each node, by node name. Terminal pods may be left out. */
export type PodsOnNodes = ReadonlyMap<string, readonly Pod[]>;

/**
 * The same bound pods, looked up the way the inter-pod rules need them: topology spread and pod
 * affinity count pods of a few namespaces, and every pod's required anti-affinity must be checked
 * against the incoming pod. Each pod's `spec.nodeName` says where it sits.
 */
export interface BoundPodIndex {
  /** Namespaces that hold at least one bound pod. */
  namespaces(): Iterable<string>;
  inNamespace(namespace: string): Iterable<Pod>;
  /** Bound pods with any pod affinity or anti-affinity term, required or preferred. */
  withAffinity(): Iterable<Pod>;
  /** How many pods `withAffinity` yields. */
  affinityCount(): number;
}

export interface ScoreWeights {
  /** Free cpu and memory after placing the pod. */
  readonly leastAllocated: number;
  /** Fewer pods of the same owner on the node and in its zone. */
  readonly spread: number;
  /** Preferred node affinity terms matched. */
  readonly nodeAffinity: number;
  /** Fewer untolerated PreferNoSchedule taints. */
  readonly taintToleration: number;
  /** Fewer matching pods in the domains of `ScheduleAnyway` spread constraints. */
  readonly podTopologySpread: number;
  /** Preferred pod affinity and anti-affinity, the incoming pod's and existing pods'. */
  readonly interPodAffinity: number;
}

/** kube-scheduler's default plugin weights for the plugins Wisp has. */
export const DEFAULT_SCORE_WEIGHTS: ScoreWeights = {
  leastAllocated: 1,
  spread: 2,
  nodeAffinity: 2,
  taintToleration: 3,
  podTopologySpread: 2,
  interPodAffinity: 2,
};

export interface ScheduleOptions {
  /** Breaks ties between equally scored nodes. */
  readonly random: Random;
  /** Looks up a RuntimeClass by name; undefined when it does not exist. */
  readonly runtimeClass?: (name: string) => RuntimeClass | undefined;
  readonly weights?: Partial<ScoreWeights>;
  /** Bound pods by namespace; built from `podsOnNodes` when left out (O(pods) per call). */
  readonly podIndex?: BoundPodIndex;
  /** A namespace's labels, for `namespaceSelector` in pod affinity terms; none when unknown. */
  readonly namespaceLabels?: (namespace: string) => Labels | undefined;
}

export interface Scheduled {
  readonly node: string;
}

export interface Unschedulable {
  /** One entry per node. */
  readonly unschedulable: readonly FilterFailure[];
  /** Set when the pod failed before any node was looked at (its RuntimeClass is missing). */
  readonly preFilterReason?: string;
  /** The `FailedScheduling` message, worded as kube-scheduler words it. */
  readonly message: string;
}

export type ScheduleResult = Scheduled | Unschedulable;

export function isScheduled(r: ScheduleResult): r is Scheduled {
  return 'node' in r;
}
