/**
 * Node selection by labels and fields: `spec.nodeSelector`, required node affinity (terms ORed,
 * expressions within a term ANDed; an empty term matches nothing) and the weights of matched
 * preferred terms. `matchFields` knows `metadata.name`, as in Kubernetes.
 *
 *   matchesNodeSelector(pod, node);       // the NodeAffinity filter
 *   preferredAffinityWeight(pod, node);   // the NodeAffinity score before normalizing
 */
import type { NodeSelectorRequirement, NodeSelectorTerm } from 'kubernetes-types/core/v1.js';
import { matchesRequirement } from '@wisp/api/labels/index.ts';
import type { Labels, Operator } from '@wisp/api/labels/index.ts';
import type { Node, Pod } from './types.ts';

const OPERATORS: Readonly<Record<string, Operator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  Gt: 'gt',
  Lt: 'lt',
};

/** An unknown operator matches nothing, as a selector that fails to parse does upstream. */
function matchesExpression(e: NodeSelectorRequirement, labels: Labels): boolean {
  const operator = Object.hasOwn(OPERATORS, e.operator) ? OPERATORS[e.operator] : undefined;
  if (!operator) return false;
  return matchesRequirement({ key: e.key, operator, values: e.values ?? [] }, labels);
}

function nodeFields(node: Node): Labels {
  return { 'metadata.name': node.metadata?.name ?? '' };
}

export function matchesTerm(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  if (!expressions.every((e) => matchesExpression(e, labels))) return false;
  const fieldSet = nodeFields(node);
  return fields.every((f) => Object.hasOwn(fieldSet, f.key) && matchesExpression(f, fieldSet));
}

function matchesLabels(want: Readonly<Record<string, string>> | undefined, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  return Object.entries(want ?? {}).every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v);
}

/**
 * The NodeAffinity filter: `spec.nodeSelector`, any extra selector (a RuntimeClass's
 * `scheduling.nodeSelector`), and the required affinity terms.
 */
export function matchesNodeSelector(
  pod: Pod,
  node: Node,
  extra?: Readonly<Record<string, string>>,
): boolean {
  if (!matchesLabels(pod.spec?.nodeSelector, node) || !matchesLabels(extra, node)) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => matchesTerm(t, node));
}

/** The sum of the weights of the preferred terms the node matches. */
export function preferredAffinityWeight(pod: Pod, node: Node): number {
  const preferred =
    pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  let sum = 0;
  for (const p of preferred) if (p.weight && matchesTerm(p.preference, node)) sum += p.weight;
  return sum;
}

export const NODE_AFFINITY_REASON = "node(s) didn't match Pod's node affinity/selector";
