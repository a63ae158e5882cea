/**
 * A pod's pod affinity and anti-affinity terms, resolved once per pod object: the label selector
 * with `matchLabelKeys` / `mismatchLabelKeys` merged from the owning pod's labels, and the
 * namespaces the term looks in (`namespaces` plus `namespaceSelector`; neither set means the
 * owning pod's own namespace, and `namespaceSelector: {}` means every namespace).
 *
 *   const terms = affinityTermsOf(pod);   // throws InvalidError on a bad selector
 *   termMatches(terms.requiredAnti[0], other, view.namespaceLabels(otherNamespace));
 */
import type { PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { newRequirement, selectorFromLabelSelector } from '@wisp/api/labels/index.ts';
import type { Labels, Operator, Selector } from '@wisp/api/labels/index.ts';
import type { Pod } from './types.ts';

export interface AffinityTerm {
  readonly selector: Selector;
  readonly namespaces: ReadonlySet<string>;
  /** Undefined when the term names no namespace selector (it then matches no namespace). */
  readonly namespaceSelector?: Selector;
  readonly topologyKey: string;
  /** The preferred term's weight; 1 for a required term. */
  readonly weight: number;
}

export interface PodAffinityTerms {
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAnti: readonly AffinityTerm[];
  readonly preferredAffinity: readonly AffinityTerm[];
  readonly preferredAnti: readonly AffinityTerm[];
}

const NONE: PodAffinityTerms = {
  requiredAffinity: [],
  requiredAnti: [],
  preferredAffinity: [],
  preferredAnti: [],
};

function mergedKeys(keys: readonly string[] | undefined, owner: Pod, op: Operator) {
  const labels = owner.metadata?.labels ?? {};
  return (keys ?? [])
    .filter((k) => Object.hasOwn(labels, k))
    .map((k) => newRequirement(k, op, [labels[k]]));
}

function resolveTerm(t: PodAffinityTerm, owner: Pod, weight: number): AffinityTerm {
  const selector = selectorFromLabelSelector(t.labelSelector).add(
    ...mergedKeys(t.matchLabelKeys, owner, 'in'),
    ...mergedKeys(t.mismatchLabelKeys, owner, 'notin'),
  );
  const listed = t.namespaces ?? [];
  const own = listed.length === 0 && !t.namespaceSelector;
  return {
    selector,
    namespaces: new Set(own ? [owner.metadata?.namespace ?? ''] : listed),
    ...(t.namespaceSelector
      ? { namespaceSelector: selectorFromLabelSelector(t.namespaceSelector) }
      : {}),
    topologyKey: t.topologyKey,
    weight,
  };
}

function required(terms: readonly PodAffinityTerm[] | undefined, owner: Pod): AffinityTerm[] {
  return (terms ?? []).map((t) => resolveTerm(t, owner, 1));
}

function preferred(terms: readonly WeightedPodAffinityTerm[] | undefined, owner: Pod) {
  return (terms ?? []).map((w) => resolveTerm(w.podAffinityTerm, owner, w.weight));
}

const memo = new WeakMap<Pod, PodAffinityTerms>();

/** Cached per pod object: the cache's pods are never mutated, only replaced. */
export function affinityTermsOf(pod: Pod): PodAffinityTerms {
  const a = pod.spec?.affinity;
  if (!a?.podAffinity && !a?.podAntiAffinity) return NONE;
  let terms = memo.get(pod);
  if (!terms) {
    const req = 'requiredDuringSchedulingIgnoredDuringExecution';
    const pref = 'preferredDuringSchedulingIgnoredDuringExecution';
    terms = {
      requiredAffinity: required(a.podAffinity?.[req], pod),
      requiredAnti: required(a.podAntiAffinity?.[req], pod),
      preferredAffinity: preferred(a.podAffinity?.[pref], pod),
      preferredAnti: preferred(a.podAntiAffinity?.[pref], pod),
    };
    memo.set(pod, terms);
  }
  return terms;
}

/**
 * The terms of a pod already bound. A term that fails to parse is dropped rather than blocking
 * every other pod, as kube-scheduler drops it from its node info.
 */
export function existingTermsOf(pod: Pod): PodAffinityTerms {
  try {
    return affinityTermsOf(pod);
  } catch {
    return NONE;
  }
}

/** Whether the term looks in `namespace` (whose labels are `nsLabels`). */
export function termCoversNamespace(t: AffinityTerm, namespace: string, nsLabels: Labels): boolean {
  return t.namespaces.has(namespace) || (t.namespaceSelector?.matches(nsLabels) ?? false);
}

/** Whether `pod` (in a namespace labelled `nsLabels`) is one the term selects. */
export function termMatches(t: AffinityTerm, pod: Pod, nsLabels: Labels): boolean {
  const ns = pod.metadata?.namespace ?? '';
  return termCoversNamespace(t, ns, nsLabels) && t.selector.matches(pod.metadata?.labels);
}
