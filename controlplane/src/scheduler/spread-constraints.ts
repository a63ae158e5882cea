/**
 * A pod's `spec.topologySpreadConstraints`, resolved for counting: the label selector with the
 * `matchLabelKeys` values of the incoming pod merged in, defaults filled (`minDomains` 1,
 * `nodeAffinityPolicy` Honor, `nodeTaintsPolicy` Ignore), and which nodes each one counts.
 *
 *   const { hard, soft } = spreadConstraints(pod);  // throws InvalidError on a bad selector
 *   inclusionOf(pod, needs, hard)(node);             // which constraints count the node
 */
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { newRequirement, selectorFromLabelSelector } from '@wisp/api/labels/index.ts';
import type { Selector } from '@wisp/api/labels/index.ts';
import type { ClusterView } from './cluster-view.ts';
import type { PodNeeds } from './filters.ts';
import { matchesNodeSelector } from './node-affinity.ts';
import { HARD_EFFECTS, untoleratedTaint } from './taints.ts';
import type { Node, Pod } from './types.ts';

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: Selector;
  /** Fewer eligible domains than this count the global minimum as 0 (DoNotSchedule only). */
  readonly minDomains: number;
  /** Count only nodes the pod's node selector and required node affinity accept. */
  readonly honorNodeAffinity: boolean;
  /** Count only nodes whose NoSchedule / NoExecute taints the pod tolerates. */
  readonly honorTaints: boolean;
}

export interface PodSpreadConstraints {
  /** `whenUnsatisfiable: DoNotSchedule`: a filter. */
  readonly hard: readonly SpreadConstraint[];
  /** `whenUnsatisfiable: ScheduleAnyway`: a score. */
  readonly soft: readonly SpreadConstraint[];
}

const NONE: PodSpreadConstraints = { hard: [], soft: [] };

function selectorOf(c: TopologySpreadConstraint, pod: Pod): Selector {
  const base = selectorFromLabelSelector(c.labelSelector);
  const labels = pod.metadata?.labels ?? {};
  const keys = (c.matchLabelKeys ?? []).filter((k) => Object.hasOwn(labels, k));
  // A missing labelSelector matches nothing, and adding requirements keeps it so.
  return base.add(...keys.map((k) => newRequirement(k, 'in', [labels[k]])));
}

function resolve(c: TopologySpreadConstraint, pod: Pod): SpreadConstraint {
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector: selectorOf(c, pod),
    minDomains: c.minDomains ?? 1,
    honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorTaints: c.nodeTaintsPolicy === 'Honor',
  };
}

export function spreadConstraints(pod: Pod): PodSpreadConstraints {
  const all = pod.spec?.topologySpreadConstraints;
  if (!all?.length) return NONE;
  const hard: SpreadConstraint[] = [];
  const soft: SpreadConstraint[] = [];
  for (const c of all) {
    if (c.whenUnsatisfiable === 'ScheduleAnyway') soft.push(resolve(c, pod));
    else hard.push(resolve(c, pod));
  }
  return { hard, soft };
}

/** Whether the node carries every constraint's topology key. */
export function hasAllKeys(node: Node, constraints: readonly SpreadConstraint[]): boolean {
  const labels = node.metadata?.labels ?? {};
  return constraints.every((c) => Object.hasOwn(labels, c.topologyKey));
}

/**
 * Per node, which constraints count its pods and domain (their node inclusion policies). The
 * node's affinity and taints are checked once however many constraints ask.
 */
export function inclusionOf(
  pod: Pod,
  needs: PodNeeds,
  constraints: readonly SpreadConstraint[],
): (node: Node) => readonly boolean[] {
  const affinity = constraints.some((c) => c.honorNodeAffinity);
  const taints = constraints.some((c) => c.honorTaints);
  return (node) => {
    const fits = !affinity || matchesNodeSelector(pod, node, needs.runtime.nodeSelector);
    const tolerates =
      !taints || !untoleratedTaint(node.spec?.taints, needs.tolerations, HARD_EFFECTS);
    return constraints.map((c) => (!c.honorNodeAffinity || fits) && (!c.honorTaints || tolerates));
  };
}

/** Per constraint, the domain (topology value) a node counts in, or undefined where it does not. */
export type NodeDomains = readonly (string | undefined)[];

/**
 * Adds every pod of `namespace` that is not terminating and sits on a node in `domains` to
 * that node's domain, per constraint whose selector it matches. `counts[i]` must already hold
 * each domain it may be asked to add to.
 */
export function countMatchingPods(
  namespace: string,
  view: ClusterView,
  constraints: readonly SpreadConstraint[],
  domains: ReadonlyMap<string, NodeDomains>,
  counts: Map<string, number>[],
): void {
  for (const p of view.pods.inNamespace(namespace)) {
    const d = domains.get(p.spec?.nodeName ?? '');
    if (!d || p.metadata?.deletionTimestamp) continue;
    for (let i = 0; i < d.length; i++) {
      const value = d[i];
      if (value !== undefined && constraints[i].selector.matches(p.metadata?.labels)) {
        counts[i].set(value, counts[i].get(value)! + 1);
      }
    }
  }
}
