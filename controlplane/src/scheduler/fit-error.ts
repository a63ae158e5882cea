/**
 * The `FailedScheduling` message, byte for byte as kube-scheduler's FitError prints it: a
 * histogram of `<count> <reason>` sorted as strings, then what preemption would say. Wisp does
 * not preempt, so every node where evicting pods could help reads "No preemption victims found
 * for incoming pod" (what upstream says when no pod has a lower priority) and every other node
 * "Preemption is not helpful for scheduling".
 *
 *   0/5 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 3 Insufficient
 *   cpu. preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No
 *   preemption victims found for incoming pod.
 */
import type { FilterFailure } from './types.ts';

/** kube-scheduler's `ErrNoNodesAvailable`. */
export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';

/** PodTopologySpread: placing the pod here would exceed a DoNotSchedule constraint's maxSkew. */
export const SPREAD_REASON = "node(s) didn't match pod topology spread constraints";
/** PodTopologySpread: the node lacks a DoNotSchedule constraint's topologyKey label. */
export const SPREAD_MISSING_LABEL_REASON = `${SPREAD_REASON} (missing required label)`;
/** InterPodAffinity: no pod the required affinity terms select runs in the node's domain. */
export const AFFINITY_REASON = "node(s) didn't match pod affinity rules";
/** InterPodAffinity: a pod the required anti-affinity terms select runs in the node's domain. */
export const ANTI_AFFINITY_REASON = "node(s) didn't match pod anti-affinity rules";
/** InterPodAffinity: a bound pod's required anti-affinity selects the incoming pod there. */
export const EXISTING_ANTI_AFFINITY_REASON =
  "node(s) didn't satisfy existing pods anti-affinity rules";

export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

function histogram(reasons: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  // Go's sort.Strings: byte order of "<count> <reason>", so "10 x" sorts before "2 y".
  return [...counts]
    .map(([reason, n]) => `${n} ${reason}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join(', ');
}

/**
 * @param nodeCount every node considered, including ones that passed the filters but are not
 *   in `failures` (there are none when this message is used).
 * @param preFilterReason a reason that applied before any node was looked at.
 */
export function fitErrorMessage(
  nodeCount: number,
  failures: readonly FilterFailure[],
  preFilterReason?: string,
): string {
  if (nodeCount === 0) return NO_NODES_MESSAGE;
  const head = `0/${nodeCount} nodes are available`;
  const filters = preFilterReason ?? histogram(failures.flatMap((f) => f.reasons as string[]));
  const preemption = preFilterReason
    ? `${nodeCount} ${PREEMPTION_NOT_HELPFUL}`
    : histogram(
        failures.map((f) => (f.resolvable ? NO_PREEMPTION_VICTIMS : PREEMPTION_NOT_HELPFUL)),
      );
  const filterPart = filters ? ` ${filters}.` : '';
  return `${head}:${filterPart} preemption: ${head}: ${preemption}.`;
}
