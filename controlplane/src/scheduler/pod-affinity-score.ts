/**
 * The InterPodAffinity score, as kube-scheduler's: every domain collects the weights of preferred
 * terms matched there, in both directions. The incoming pod's preferred affinity (+weight) and
 * anti-affinity (-weight) against bound pods; bound pods' preferred affinity (+) and anti-affinity
 * (-) and required affinity (+1, `hardPodAffinityWeight`) against the incoming pod. A node scores
 * the sum over its domains, scaled from the lowest to the highest onto 0..100.
 *
 *   const scores = podAffinityScores(pod, terms, view, feasible);
 */
import { existingTermsOf, termCoversNamespace, termMatches } from './affinity-terms.ts';
import type { AffinityTerm, PodAffinityTerms } from './affinity-terms.ts';
import type { ClusterView } from './cluster-view.ts';
import { DomainCounts } from './domain-counts.ts';
import { MAX_NODE_SCORE } from './scores.ts';
import type { Node, Pod } from './types.ts';

/** kube-scheduler's default `hardPodAffinityWeight`. */
export const HARD_POD_AFFINITY_WEIGHT = 1;

type DomainScores = DomainCounts;

const NO_LABELS: Readonly<Record<string, string>> = {};

function add(scores: DomainScores, node: Node, topologyKey: string, weight: number): void {
  scores.add(node.metadata?.labels ?? NO_LABELS, topologyKey, weight);
}

/** The incoming pod's preferred terms against the bound pods of the namespaces they cover. */
function incomingPreferred(terms: PodAffinityTerms, view: ClusterView, scores: DomainScores) {
  const weighted = [
    ...terms.preferredAffinity.map((t) => [t, t.weight] as const),
    ...terms.preferredAnti.map((t) => [t, -t.weight] as const),
  ];
  if (weighted.length === 0) return;
  for (const ns of view.pods.namespaces()) {
    const nsLabels = view.namespaceLabels(ns);
    const here = weighted.filter(([t]) => termCoversNamespace(t, ns, nsLabels));
    if (here.length === 0) continue;
    for (const p of view.pods.inNamespace(ns)) {
      const node = view.node(p.spec?.nodeName);
      if (!node) continue;
      for (const [t, w] of here) {
        if (t.selector.matches(p.metadata?.labels)) add(scores, node, t.topologyKey, w);
      }
    }
  }
}

/** Bound pods' terms that select the incoming pod. */
function existingTerms(pod: Pod, view: ClusterView, scores: DomainScores): void {
  const nsLabels = view.namespaceLabels(pod.metadata?.namespace ?? '');
  const apply = (node: Node, terms: readonly AffinityTerm[], sign: number, weight?: number) => {
    for (const t of terms) {
      if (!termMatches(t, pod, nsLabels)) continue;
      add(scores, node, t.topologyKey, sign * (weight ?? t.weight));
    }
  };
  for (const e of view.pods.withAffinity()) {
    const node = view.node(e.spec?.nodeName);
    if (!node) continue;
    const terms = existingTermsOf(e);
    apply(node, terms.requiredAffinity, 1, HARD_POD_AFFINITY_WEIGHT);
    apply(node, terms.preferredAffinity, 1);
    apply(node, terms.preferredAnti, -1);
  }
}

export function podAffinityScores(
  pod: Pod,
  terms: PodAffinityTerms,
  view: ClusterView,
  feasible: readonly Node[],
): number[] {
  const scores = new DomainCounts();
  incomingPreferred(terms, view, scores);
  existingTerms(pod, view, scores);
  if (scores.isEmpty()) return feasible.map(() => 0);
  const raw = feasible.map((node) => scores.sum(node.metadata?.labels ?? NO_LABELS));
  const min = Math.min(...raw);
  const range = Math.max(...raw) - min;
  // Divide first, as upstream does in floating point, so the truncation lands where it does.
  return raw.map((s) => (range > 0 ? Math.trunc(MAX_NODE_SCORE * ((s - min) / range)) : 0));
}
