/**
 * The InterPodAffinity filter. Once per attempt it counts, per topology domain: pods matching all
 * of the incoming pod's required affinity terms, pods matching any of its required anti-affinity
 * terms, and bound pods whose own required anti-affinity selects the incoming pod (the symmetric
 * rule). A node then fits when it sits in a domain holding an affinity match for every term (or
 * no pod anywhere matches and the pod matches its own terms, so the first of a group can land),
 * in no domain holding an anti-affinity match, and in no domain an existing pod keeps it out of.
 *
 *   const state = podAffinityFilterState(pod, terms, view);
 *   podAffinityFilter(state, node);  // undefined, or the kube-scheduler reason
 */
import { existingTermsOf, termCoversNamespace, termMatches } from './affinity-terms.ts';
import type { AffinityTerm, PodAffinityTerms } from './affinity-terms.ts';
import type { ClusterView } from './cluster-view.ts';
import { DomainCounts } from './domain-counts.ts';
import {
  AFFINITY_REASON,
  ANTI_AFFINITY_REASON,
  EXISTING_ANTI_AFFINITY_REASON,
} from './fit-error.ts';
import type { Node, Pod } from './types.ts';

export interface PodAffinityFilterState {
  readonly terms: PodAffinityTerms;
  /** Domains holding pods that match every required affinity term. */
  readonly affinity: DomainCounts;
  /** Domains holding pods that match a required anti-affinity term. */
  readonly anti: DomainCounts;
  /** Domains where a bound pod's required anti-affinity selects the incoming pod. */
  readonly existingAnti: DomainCounts;
  /** The incoming pod matches all its own required affinity terms. */
  readonly selfMatch: boolean;
}

export interface PodAffinityFailure {
  readonly reason: string;
  readonly resolvable: boolean;
}

const NO_LABELS: Readonly<Record<string, string>> = {};

function existingAntiAffinity(pod: Pod, view: ClusterView): DomainCounts {
  const counts = new DomainCounts();
  const nsLabels = view.namespaceLabels(pod.metadata?.namespace ?? '');
  for (const e of view.pods.withAffinity()) {
    const nodeLabels = view.node(e.spec?.nodeName)?.metadata?.labels ?? NO_LABELS;
    for (const t of existingTermsOf(e).requiredAnti) {
      if (termMatches(t, pod, nsLabels)) counts.add(nodeLabels, t.topologyKey, 1);
    }
  }
  return counts;
}

/** Counts the bound pods the incoming pod's required terms select, one namespace at a time. */
function requiredMatches(terms: PodAffinityTerms, view: ClusterView) {
  const affinity = new DomainCounts();
  const anti = new DomainCounts();
  const aff = terms.requiredAffinity;
  for (const ns of view.pods.namespaces()) {
    const nsLabels = view.namespaceLabels(ns);
    const covers = (t: AffinityTerm) => termCoversNamespace(t, ns, nsLabels);
    const allAffinity = aff.length > 0 && aff.every(covers);
    const antiHere = terms.requiredAnti.filter(covers);
    if (!allAffinity && antiHere.length === 0) continue;
    for (const p of view.pods.inNamespace(ns)) {
      const nodeLabels = view.node(p.spec?.nodeName)?.metadata?.labels;
      if (!nodeLabels) continue;
      const labels = p.metadata?.labels;
      if (allAffinity && aff.every((t) => t.selector.matches(labels))) {
        for (const t of aff) affinity.add(nodeLabels, t.topologyKey, 1);
      }
      for (const t of antiHere) {
        if (t.selector.matches(labels)) anti.add(nodeLabels, t.topologyKey, 1);
      }
    }
  }
  return { affinity, anti };
}

export function podAffinityFilterState(
  pod: Pod,
  terms: PodAffinityTerms,
  view: ClusterView,
): PodAffinityFilterState {
  const existingAnti = existingAntiAffinity(pod, view);
  const required = terms.requiredAffinity.length + terms.requiredAnti.length > 0;
  const { affinity, anti } = required
    ? requiredMatches(terms, view)
    : { affinity: new DomainCounts(), anti: new DomainCounts() };
  const nsLabels = view.namespaceLabels(pod.metadata?.namespace ?? '');
  const selfMatch = terms.requiredAffinity.every((t) => termMatches(t, pod, nsLabels));
  return { terms, affinity, anti, existingAnti, selfMatch };
}

function satisfiesAffinity(s: PodAffinityFilterState, labels: Record<string, string>): boolean {
  let podsExist = true;
  for (const t of s.terms.requiredAffinity) {
    if (!Object.hasOwn(labels, t.topologyKey)) return false;
    if (s.affinity.get(labels, t.topologyKey) <= 0) podsExist = false;
  }
  return podsExist || (s.affinity.isEmpty() && s.selfMatch);
}

export function podAffinityFilter(
  s: PodAffinityFilterState,
  node: Node,
): PodAffinityFailure | undefined {
  const labels = node.metadata?.labels ?? {};
  if (!satisfiesAffinity(s, labels)) return { reason: AFFINITY_REASON, resolvable: false };
  for (const t of s.terms.requiredAnti) {
    if (s.anti.get(labels, t.topologyKey) > 0) {
      return { reason: ANTI_AFFINITY_REASON, resolvable: true };
    }
  }
  if (s.existingAnti.sum(labels) > 0) {
    return { reason: EXISTING_ANTI_AFFINITY_REASON, resolvable: true };
  }
  return undefined;
}
