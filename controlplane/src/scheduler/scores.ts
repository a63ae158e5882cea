/**
 * The score phase, each plugin on kube-scheduler's 0..100 scale over the nodes that passed the
 * filters: least-allocated cpu and memory, spread of an owner's pods across nodes and zones,
 * preferred node affinity, and untolerated PreferNoSchedule taints, plus the topology spread and
 * inter-pod affinity scores `inter-pod.ts` computes.
 *
 *   const scores = scoreNodes(pod, feasible, podsOnNodes, tolerations, weights, interPod);
 */
import type { InterPodScores } from './inter-pod.ts';
import { preferredAffinityWeight } from './node-affinity.ts';
import { nodeAllocatable, nodeUsage, podResources } from './resources.ts';
import { intolerablePreferNoSchedule } from './taints.ts';
import type { Node, Pod, PodsOnNodes, ScoreWeights, Toleration } from './types.ts';

export const MAX_NODE_SCORE = 100;

/** Nodes in one zone are spread as a group; Wisp sets it to the node's site. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** How much the zone counts against the node in the spread score (kube-scheduler's 2/3). */
const ZONE_WEIGHTING = 2 / 3;

const NO_PODS: readonly Pod[] = [];

function nameOf(node: Node): string {
  return node.metadata?.name ?? '';
}

function podsOn(podsOnNodes: PodsOnNodes, node: Node): readonly Pod[] {
  return podsOnNodes.get(nameOf(node)) ?? NO_PODS;
}

function leastAllocatedOne(requested: number, capacity: number): number {
  if (capacity <= 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** NodeResourcesFit's LeastAllocated strategy, cpu and memory weighted equally. */
export function leastAllocatedScore(pod: Pod, node: Node, podsOnNode: readonly Pod[]): number {
  const alloc = nodeAllocatable(node);
  const used = nodeUsage(podsOnNode);
  const own = podResources(pod).nonZero;
  const cpu = leastAllocatedOne(used.nonZeroCpu + own.cpu, alloc.cpu ?? 0);
  const memory = leastAllocatedOne(used.nonZeroMemory + own.memory, alloc.memory ?? 0);
  return Math.floor((cpu + memory) / 2);
}

/** kube-scheduler's DefaultNormalizeScore: scale to 0..100 by the maximum, optionally reversed. */
export function normalize(raw: readonly number[], reverse: boolean): number[] {
  const max = Math.max(0, ...raw);
  if (max === 0) return raw.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return raw.map((s) => {
    const scaled = Math.floor((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - scaled : scaled;
  });
}

/** The uid of the pod's controller owner (its ReplicaSet, StatefulSet, Job ...). */
export function controllerUid(pod: Pod): string | undefined {
  return pod.metadata?.ownerReferences?.find((o) => o.controller)?.uid;
}

function sameOwnerCount(pods: readonly Pod[], namespace: string | undefined, uid: string): number {
  let n = 0;
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp || p.metadata?.namespace !== namespace) continue;
    if (controllerUid(p) === uid) n++;
  }
  return n;
}

/**
 * The spread score of the old SelectorSpread plugin, keyed on the controller owner: fewer
 * siblings on the node scores higher, and when nodes carry a zone, fewer in the zone counts 2/3.
 * It stands in for kube-scheduler's default spread constraints, which apply only to pods that
 * state no `topologySpreadConstraints` of their own.
 */
export function spreadScores(pod: Pod, nodes: readonly Node[], podsOnNodes: PodsOnNodes): number[] {
  const uid = controllerUid(pod);
  if (!uid || pod.spec?.topologySpreadConstraints?.length) return nodes.map(() => 0);
  const ns = pod.metadata?.namespace;
  const counts = nodes.map((n) => sameOwnerCount(podsOn(podsOnNodes, n), ns, uid));
  const zones = nodes.map((n) => n.metadata?.labels?.[ZONE_LABEL]);
  const byZone = new Map<string, number>();
  zones.forEach((z, i) => z !== undefined && byZone.set(z, (byZone.get(z) ?? 0) + counts[i]));
  const maxNode = Math.max(0, ...counts);
  const maxZone = Math.max(0, ...byZone.values());
  return nodes.map((_, i) => {
    let score = MAX_NODE_SCORE;
    if (maxNode > 0) score = (MAX_NODE_SCORE * (maxNode - counts[i])) / maxNode;
    const zone = zones[i];
    if (zone !== undefined) {
      let zoneScore = MAX_NODE_SCORE;
      if (maxZone > 0) zoneScore = (MAX_NODE_SCORE * (maxZone - byZone.get(zone)!)) / maxZone;
      score = score * (1 - ZONE_WEIGHTING) + ZONE_WEIGHTING * zoneScore;
    }
    return Math.floor(score);
  });
}

/** Weighted totals, one per node, in the order of `nodes`. */
export function scoreNodes(
  pod: Pod,
  nodes: readonly Node[],
  podsOnNodes: PodsOnNodes,
  tolerations: readonly Toleration[],
  weights: ScoreWeights,
  interPod?: InterPodScores,
): number[] {
  const least = nodes.map((n) => leastAllocatedScore(pod, n, podsOn(podsOnNodes, n)));
  const spread = spreadScores(pod, nodes, podsOnNodes);
  const affinity = normalize(
    nodes.map((n) => preferredAffinityWeight(pod, n)),
    false,
  );
  const taints = normalize(
    nodes.map((n) => intolerablePreferNoSchedule(n.spec?.taints, tolerations)),
    true,
  );
  return nodes.map(
    (_, i) =>
      weights.leastAllocated * least[i] +
      weights.spread * spread[i] +
      weights.nodeAffinity * affinity[i] +
      weights.taintToleration * taints[i] +
      weights.podTopologySpread * (interPod?.podTopologySpread[i] ?? 0) +
      weights.interPodAffinity * (interPod?.interPodAffinity[i] ?? 0),
  );
}
