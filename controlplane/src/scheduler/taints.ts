/**
 * Taints and tolerations, with Kubernetes' matching rules: an empty toleration effect matches
 * every effect, an empty key with `Exists` matches every taint, and `Equal` (the default
 * operator) compares values.
 *
 *   untoleratedTaint(node.spec.taints, pod.spec.tolerations, HARD_EFFECTS);
 */
import type { Taint, Toleration } from './types.ts';

/** Effects that keep a pod off a node; PreferNoSchedule only lowers its score. */
export const HARD_EFFECTS: ReadonlySet<string> = new Set(['NoSchedule', 'NoExecute']);

/** The taint the node lifecycle controller puts on cordoned nodes. */
export const UNSCHEDULABLE_TAINT_KEY = 'node.kubernetes.io/unschedulable';

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerated(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}

/** The first taint with one of `effects` that no toleration tolerates. */
export function untoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[],
  effects: ReadonlySet<string>,
): Taint | undefined {
  return (taints ?? []).find((t) => effects.has(t.effect) && !tolerated(tolerations, t));
}

/** How many PreferNoSchedule taints the pod does not tolerate (kube-scheduler's raw score). */
export function intolerablePreferNoSchedule(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[],
): number {
  const soft = tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  let n = 0;
  for (const taint of taints ?? []) {
    if (taint.effect === 'PreferNoSchedule' && !tolerated(soft, taint)) n++;
  }
  return n;
}

/** `{key: value}` as kube-scheduler prints a taint in its reasons. */
export function taintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}
