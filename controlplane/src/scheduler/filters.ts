/**
 * The filter phase: the first check a node fails decides its reason, in kube-scheduler's plugin
 * order (NodeUnschedulable, TaintToleration, NodeAffinity, runtime handler, NodeResourcesFit),
 * so the `FailedScheduling` counts read the same as upstream.
 *
 *   const failure = filterNode(pod, needs, node, podsOnNode);  // undefined when the node fits
 */
import { NODE_AFFINITY_REASON, matchesNodeSelector } from './node-affinity.ts';
import { resourceFit } from './resources.ts';
import { nodeHasRuntime, runtimeReason } from './runtime-class.ts';
import type { PodRuntime } from './runtime-class.ts';
import {
  HARD_EFFECTS,
  UNSCHEDULABLE_TAINT_KEY,
  taintReason,
  tolerated,
  untoleratedTaint,
} from './taints.ts';
import type { FilterFailure, Node, Pod, Toleration } from './types.ts';

/** What the pod needs beyond its own spec, resolved once per scheduling attempt. */
export interface PodNeeds {
  readonly runtime: PodRuntime;
  /** The pod's tolerations plus its RuntimeClass's. */
  readonly tolerations: readonly Toleration[];
}

export const UNSCHEDULABLE_REASON = 'node(s) were unschedulable';

function fail(node: Node, reason: string, resolvable = false): FilterFailure {
  return { node: node.metadata?.name ?? '', reasons: [reason], resolvable };
}

export function filterNode(
  pod: Pod,
  needs: PodNeeds,
  node: Node,
  podsOnNode: readonly Pod[],
): FilterFailure | undefined {
  const cordon = { key: UNSCHEDULABLE_TAINT_KEY, effect: 'NoSchedule' };
  if (node.spec?.unschedulable && !tolerated(needs.tolerations, cordon)) {
    return fail(node, UNSCHEDULABLE_REASON);
  }
  const taint = untoleratedTaint(node.spec?.taints, needs.tolerations, HARD_EFFECTS);
  if (taint) return fail(node, taintReason(taint));
  if (!matchesNodeSelector(pod, node, needs.runtime.nodeSelector)) {
    return fail(node, NODE_AFFINITY_REASON);
  }
  const handler = needs.runtime.handler;
  if (handler !== undefined && !nodeHasRuntime(node, handler)) {
    return fail(node, runtimeReason(handler));
  }
  const fit = resourceFit(pod, node, podsOnNode);
  if (fit.reasons.length > 0) {
    return { node: node.metadata?.name ?? '', reasons: fit.reasons, resolvable: fit.resolvable };
  }
  return undefined;
}
