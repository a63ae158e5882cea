/**
 * The scheduling decision as a pure function of the pod, the nodes and the pods on them: filter,
 * then score, then break ties with the injected `Random`. No I/O and no clock, so a test or the
 * simulator gets the same answer for the same inputs and seed.
 *
 *   const r = schedule(pod, nodes, podsOnNodes, { random, runtimeClass: (n) => rcs.get(n) });
 *   if (isScheduled(r)) bind(pod, r.node); else record(r.message);
 */
import { fitErrorMessage } from './fit-error.ts';
import { filterNode } from './filters.ts';
import type { PodNeeds } from './filters.ts';
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
  if ('missing' in runtime) {
    const unschedulable = nodes.map((n) => ({
      node: nameOf(n),
      reasons: [runtime.missing],
      resolvable: false,
    }));
    const message = fitErrorMessage(nodes.length, unschedulable, runtime.missing);
    return { unschedulable, preFilterReason: runtime.missing, message };
  }
  const needs: PodNeeds = {
    runtime,
    tolerations: [...(pod.spec?.tolerations ?? []), ...runtime.tolerations],
  };
  const feasible: Node[] = [];
  const failures: FilterFailure[] = [];
  for (const node of nodes) {
    const failure = filterNode(pod, needs, node, podsOnNodes.get(nameOf(node)) ?? NO_PODS);
    if (failure) failures.push(failure);
    else feasible.push(node);
  }
  if (feasible.length === 0) {
    return { unschedulable: failures, message: fitErrorMessage(nodes.length, failures) };
  }
  if (feasible.length === 1) return { node: nameOf(feasible[0]) };
  const weights = { ...DEFAULT_SCORE_WEIGHTS, ...options.weights };
  const scores = scoreNodes(pod, feasible, podsOnNodes, needs.tolerations, weights);
  return { node: nameOf(pickBest(feasible, scores, options.random)) };
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
