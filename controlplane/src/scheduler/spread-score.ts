/**
 * The PodTopologySpread score for `ScheduleAnyway` constraints, as kube-scheduler computes it:
 * each feasible node sums, per constraint whose key it carries, `matching pods in its domain x
 * log(domains + 2) + maxSkew - 1`; fewer is better, so the sums are reversed onto 0..100. When the
 * pod has a node selector or required node affinity, feasible nodes lacking a key score 0 and
 * are left out of the normalizing.
 *
 *   const scores = spreadConstraintScores(pod, needs, view, constraints.soft, feasible);
 */
import type { ClusterView } from './cluster-view.ts';
import { nodeName } from './cluster-view.ts';
import type { PodNeeds } from './filters.ts';
import { MAX_NODE_SCORE } from './scores.ts';
import {
  HOSTNAME_LABEL,
  countMatchingPods,
  hasAllKeys,
  inclusionOf,
} from './spread-constraints.ts';
import type { NodeDomains, SpreadConstraint } from './spread-constraints.ts';
import type { Node, Pod } from './types.ts';

function labelOf(labels: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

function requiresAllKeys(pod: Pod): boolean {
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return Object.keys(pod.spec?.nodeSelector ?? {}).length > 0 || required !== undefined;
}

/** Per constraint, the domains of the feasible nodes (at 0), and the nodes to leave out. */
function trackedDomains(pod: Pod, constraints: readonly SpreadConstraint[], feasible: Node[]) {
  const counts = constraints.map(() => new Map<string, number>());
  const ignored = new Set<string>();
  const requireAll = requiresAllKeys(pod);
  for (const node of feasible) {
    if (requireAll && !hasAllKeys(node, constraints)) {
      ignored.add(nodeName(node));
      continue;
    }
    const labels = node.metadata?.labels ?? {};
    // Upstream tracks a node lacking the key under the empty value; it only widens the weight.
    constraints.forEach((c, i) => counts[i].set(labelOf(labels, c.topologyKey) ?? '', 0));
  }
  return { counts, ignored };
}

/**
 * Per node, the tracked domain each constraint counts its pods in, or undefined. Only nodes with
 * every key count, each under its inclusion policies; for the hostname key a node's own pods
 * always count, as upstream scores that key per node.
 */
function countedDomains(
  pod: Pod,
  needs: PodNeeds,
  nodes: readonly Node[],
  constraints: readonly SpreadConstraint[],
  counts: readonly Map<string, number>[],
): Map<string, NodeDomains> {
  const included = inclusionOf(pod, needs, constraints);
  const domains = new Map<string, NodeDomains>();
  for (const node of nodes) {
    const labels = node.metadata?.labels ?? {};
    const flags = hasAllKeys(node, constraints) ? included(node) : undefined;
    const d = constraints.map((c, i) => {
      const value = labelOf(labels, c.topologyKey);
      const counted = c.topologyKey === HOSTNAME_LABEL || flags?.[i];
      return counted && value !== undefined && counts[i].has(value) ? value : undefined;
    });
    if (d.some((v) => v !== undefined)) domains.set(nodeName(node), d);
  }
  return domains;
}

/** Adds the matching pods of the counted nodes to the tracked domains. */
function countPods(
  pod: Pod,
  needs: PodNeeds,
  view: ClusterView,
  constraints: readonly SpreadConstraint[],
  counts: Map<string, number>[],
): void {
  const domains = countedDomains(pod, needs, view.nodes, constraints, counts);
  countMatchingPods(pod.metadata?.namespace ?? '', view, constraints, domains, counts);
}

export function spreadConstraintScores(
  pod: Pod,
  needs: PodNeeds,
  view: ClusterView,
  constraints: readonly SpreadConstraint[],
  feasible: Node[],
): number[] {
  if (constraints.length === 0) return feasible.map(() => 0);
  const { counts, ignored } = trackedDomains(pod, constraints, feasible);
  countPods(pod, needs, view, constraints, counts);
  const weights = constraints.map((c, i) => {
    const size = c.topologyKey === HOSTNAME_LABEL ? feasible.length - ignored.size : counts[i].size;
    return Math.log(size + 2);
  });
  const raw = feasible.map((node) => {
    if (ignored.has(nodeName(node))) return undefined;
    const labels = node.metadata?.labels ?? {};
    let score = 0;
    constraints.forEach((c, i) => {
      const value = labelOf(labels, c.topologyKey);
      if (value === undefined) return;
      score += (counts[i].get(value) ?? 0) * weights[i] + (c.maxSkew - 1);
    });
    return Math.round(score);
  });
  return reverseNormalize(raw);
}

/** Fewer is better; ignored nodes (undefined) get 0 and do not set the range. */
function reverseNormalize(raw: readonly (number | undefined)[]): number[] {
  const counted = raw.filter((s): s is number => s !== undefined);
  const min = Math.min(...counted);
  const max = Math.max(0, ...counted);
  return raw.map((s) => {
    if (s === undefined) return 0;
    if (max === 0) return MAX_NODE_SCORE;
    return Math.floor((MAX_NODE_SCORE * (max + min - s)) / max);
  });
}
