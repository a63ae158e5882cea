/**
 * The rules that look at other pods, prepared once per scheduling attempt: topology spread
 * (PodTopologySpread) and pod affinity / anti-affinity (InterPodAffinity). Preparing counts the
 * bound pods of the namespaces involved a single time, so filtering a node is a few map lookups
 * and a pod with none of these rules (and no bound pod with affinity) costs nothing extra.
 *
 *   const rules = prepareInterPod(pod, needs, view);       // or { invalid } for a bad selector
 *   interPodFilter(rules, node);                           // after the per-node filters
 *   interPodScores(pod, needs, view, rules, feasible);     // the two plugins' 0..100 scores
 */
import { affinityTermsOf } from './affinity-terms.ts';
import type { PodAffinityTerms } from './affinity-terms.ts';
import type { ClusterView } from './cluster-view.ts';
import { nodeName } from './cluster-view.ts';
import type { PodNeeds } from './filters.ts';
import { podAffinityFilter, podAffinityFilterState } from './pod-affinity-filter.ts';
import type { PodAffinityFilterState } from './pod-affinity-filter.ts';
import { podAffinityScores } from './pod-affinity-score.ts';
import { spreadConstraints } from './spread-constraints.ts';
import type { PodSpreadConstraints } from './spread-constraints.ts';
import { spreadFilter, spreadFilterState } from './spread-filter.ts';
import type { SpreadFilterState } from './spread-filter.ts';
import { spreadConstraintScores } from './spread-score.ts';
import type { FilterFailure, Node, Pod } from './types.ts';

export interface InterPodRules {
  readonly constraints: PodSpreadConstraints;
  readonly terms: PodAffinityTerms;
  readonly spread?: SpreadFilterState;
  readonly affinity?: PodAffinityFilterState;
}

export interface InterPodScores {
  readonly podTopologySpread: readonly number[];
  readonly interPodAffinity: readonly number[];
}

function hasRequiredTerms(terms: PodAffinityTerms): boolean {
  return terms.requiredAffinity.length + terms.requiredAnti.length > 0;
}

function hasPreferredTerms(terms: PodAffinityTerms): boolean {
  return terms.preferredAffinity.length + terms.preferredAnti.length > 0;
}

/** `{ invalid }` when a selector of the pod's own rules cannot be parsed. */
export function prepareInterPod(
  pod: Pod,
  needs: PodNeeds,
  view: ClusterView,
): InterPodRules | { readonly invalid: string } {
  let constraints: PodSpreadConstraints;
  let terms: PodAffinityTerms;
  try {
    constraints = spreadConstraints(pod);
    terms = affinityTermsOf(pod);
  } catch (e) {
    return { invalid: (e as Error).message };
  }
  const spread =
    constraints.hard.length > 0 ? spreadFilterState(pod, needs, view, constraints.hard) : undefined;
  const affinity =
    hasRequiredTerms(terms) || view.pods.affinityCount() > 0
      ? podAffinityFilterState(pod, terms, view)
      : undefined;
  return { constraints, terms, spread, affinity };
}

export function interPodFilter(rules: InterPodRules, node: Node): FilterFailure | undefined {
  const failure =
    (rules.spread && spreadFilter(rules.spread, node)) ??
    (rules.affinity && podAffinityFilter(rules.affinity, node));
  if (!failure) return undefined;
  return { node: nodeName(node), reasons: [failure.reason], resolvable: failure.resolvable };
}

export function interPodScores(
  pod: Pod,
  needs: PodNeeds,
  view: ClusterView,
  rules: InterPodRules,
  feasible: Node[],
): InterPodScores {
  const zeros = feasible.map(() => 0);
  const soft = rules.constraints.soft;
  const affinityMatters = hasPreferredTerms(rules.terms) || view.pods.affinityCount() > 0;
  return {
    podTopologySpread:
      soft.length > 0 ? spreadConstraintScores(pod, needs, view, soft, feasible) : zeros,
    interPodAffinity: affinityMatters ? podAffinityScores(pod, rules.terms, view, feasible) : zeros,
  };
}
