/**
 * The PodTopologySpread filter for `DoNotSchedule` constraints. Matching pods of the pod's
 * namespace are counted once per attempt, per domain (topology value), over every node that
 * carries all the constraints' keys and passes each constraint's inclusion policies. A node then
 * fits when, for every constraint, `count(its domain) + (1 if the pod matches itself) - minimum
 * over domains <= maxSkew`; the minimum is 0 while there are fewer domains than `minDomains`.
 *
 *   const state = spreadFilterState(pod, needs, view, constraints.hard);
 *   spreadFilter(state, node);  // undefined, or the kube-scheduler reason
 */
import type { ClusterView } from './cluster-view.ts';
import { nodeName } from './cluster-view.ts';
import { SPREAD_MISSING_LABEL_REASON, SPREAD_REASON } from './fit-error.ts';
import type { PodNeeds } from './filters.ts';
import { countMatchingPods, hasAllKeys, inclusionOf } from './spread-constraints.ts';
import type { NodeDomains, SpreadConstraint } from './spread-constraints.ts';
import type { Node, Pod } from './types.ts';

export interface SpreadFilterState {
  readonly constraints: readonly SpreadConstraint[];
  /** Per constraint: matching pods per domain; every eligible domain is present. */
  readonly counts: readonly Map<string, number>[];
  /** Per constraint: the global minimum the skew is measured from. */
  readonly minimum: readonly number[];
  /** Per constraint: 1 when the incoming pod matches its own selector. */
  readonly self: readonly number[];
}

export interface SpreadFailure {
  readonly reason: string;
  /** Missing labels cannot change by moving pods; a skew can. */
  readonly resolvable: boolean;
}

/**
 * The domains of every node carrying all the keys, by node name. Each eligible domain enters
 * `counts` at 0, so an empty domain pulls the minimum down.
 */
function eligibleDomains(
  pod: Pod,
  needs: PodNeeds,
  nodes: readonly Node[],
  constraints: readonly SpreadConstraint[],
  counts: Map<string, number>[],
): Map<string, NodeDomains> {
  const included = inclusionOf(pod, needs, constraints);
  const domains = new Map<string, NodeDomains>();
  for (const node of nodes) {
    if (!hasAllKeys(node, constraints)) continue;
    const labels = node.metadata!.labels!;
    const flags = included(node);
    const d = constraints.map((c, i) => (flags[i] ? labels[c.topologyKey] : undefined));
    for (let i = 0; i < d.length; i++) {
      const value = d[i];
      if (value !== undefined && !counts[i].has(value)) counts[i].set(value, 0);
    }
    domains.set(nodeName(node), d);
  }
  return domains;
}

export function spreadFilterState(
  pod: Pod,
  needs: PodNeeds,
  view: ClusterView,
  constraints: readonly SpreadConstraint[],
): SpreadFilterState {
  const counts = constraints.map(() => new Map<string, number>());
  const domains = eligibleDomains(pod, needs, view.nodes, constraints, counts);
  countMatchingPods(pod.metadata?.namespace ?? '', view, constraints, domains, counts);
  const minimum = constraints.map((c, i) => (counts[i].size < c.minDomains ? 0 : least(counts[i])));
  const self = constraints.map((c) => (c.selector.matches(pod.metadata?.labels) ? 1 : 0));
  return { constraints, counts, minimum, self };
}

function least(counts: Map<string, number>): number {
  let min = Infinity;
  for (const n of counts.values()) if (n < min) min = n;
  return min;
}

export function spreadFilter(state: SpreadFilterState, node: Node): SpreadFailure | undefined {
  const labels = node.metadata?.labels ?? {};
  for (let i = 0; i < state.constraints.length; i++) {
    const c = state.constraints[i];
    if (!Object.hasOwn(labels, c.topologyKey)) {
      return { reason: SPREAD_MISSING_LABEL_REASON, resolvable: false };
    }
    const count = state.counts[i].get(labels[c.topologyKey]) ?? 0;
    if (count + state.self[i] - state.minimum[i] > c.maxSkew) {
      return { reason: SPREAD_REASON, resolvable: true };
    }
  }
  return undefined;
}
