/**
 * The scheduling decision as a pure function of the pod, the nodes and the pods on them: filter,
 * then score, then break ties with the injected `Random`. No I/O and no clock, so a test or the
 * simulator gets the same answer for the same inputs and seed. Topology spread and inter-pod
 * affinity are prepared once per call from the bound pods (`options.podIndex` when the caller
 * keeps one) and then checked per node after the per-node filters, as kube-scheduler orders them.
 *
 *   const r = schedule(pod, nodes, podsOnNodes, { random, runtimeClass: (n) => rcs.get(n) });
 *   if (isScheduled(r)) bind(pod, r.node); else record(r.message);
 */
import { clusterView } from './cluster-view.ts';
import { fitErrorMessage } from './fit-error.ts';
import { filterNode } from './filters.ts';
import type { PodNeeds } from './filters.ts';
import { interPodFilter, interPodScores, prepareInterPod } from './inter-pod.ts';
import { resolveRuntimeClass } from './runtime-class.ts';
import { scoreNodes } from './scores.ts';
import { DEFAULT_SCORE_WEIGHTS } from './types.ts';
import type {
  FilterFailure,
  Node,
  Pod,
  PodsOnNodes,
  ScheduleOptions,
  ScheduleResult,
} from './types.ts';

const NO_PODS: readonly Pod[] = [];

function nameOf(node: Node): string {
  return node.metadata?.name ?? '';
}

export function schedule(
  pod: Pod,
  nodes: readonly Node[],
  podsOnNodes: PodsOnNodes,
  options: ScheduleOptions,
): ScheduleResult {
  const bound = pod.spec?.nodeName;
  if (bound) return { node: bound };
  if (nodes.length === 0) return { unschedulable: [], message: fitErrorMessage(0, []) };
  const runtime = resolveRuntimeClass(pod, options.runtimeClass);
  if ('missing' in runtime) return failBeforeNodes(nodes, runtime.missing);
  const needs: PodNeeds = {
    runtime,
    tolerations: [...(pod.spec?.tolerations ?? []), ...runtime.tolerations],
  };
  const view = clusterView(nodes, podsOnNodes, options);
  const rules = prepareInterPod(pod, needs, view);
  if ('invalid' in rules) return failBeforeNodes(nodes, rules.invalid);
  const feasible: Node[] = [];
  const failures: FilterFailure[] = [];
  for (const node of nodes) {
    const failure =
      filterNode(pod, needs, node, podsOnNodes.get(nameOf(node)) ?? NO_PODS) ??
      interPodFilter(rules, node);
    if (failure) failures.push(failure);
    else feasible.push(node);
  }
  if (feasible.length === 0) {
    return { unschedulable: failures, message: fitErrorMessage(nodes.length, failures) };
  }
  if (feasible.length === 1) return { node: nameOf(feasible[0]) };
  const weights = { ...DEFAULT_SCORE_WEIGHTS, ...options.weights };
  const interPod = interPodScores(pod, needs, view, rules, feasible);
  const scores = scoreNodes(pod, feasible, podsOnNodes, needs.tolerations, weights, interPod);
  return { node: nameOf(pickBest(feasible, scores, options.random)) };
}

/** A reason that holds for every node alike, found before any node was looked at. */
function failBeforeNodes(nodes: readonly Node[], reason: string): ScheduleResult {
  const unschedulable = nodes.map((n) => ({
    node: nameOf(n),
    reasons: [reason],
    resolvable: false,
  }));
  const message = fitErrorMessage(nodes.length, unschedulable, reason);
  return { unschedulable, preFilterReason: reason, message };
}

/** The highest score; among equals, each is equally likely. */
function pickBest(
  nodes: readonly Node[],
  scores: readonly number[],
  random: ScheduleOptions['random'],
): Node {
  const best = Math.max(...scores);
  const top = nodes.filter((_, i) => scores[i] === best);
  return top.length === 1 ? top[0] : top[random.int(top.length)];
}
