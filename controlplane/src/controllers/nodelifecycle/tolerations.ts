/**
 * Taints and tolerations as the node lifecycle controller and the NoExecute taint manager read
 * them: which toleration matches which taint, and how long a pod may stay on a node whose
 * NoExecute taints it tolerates only for a while.
 */
import type { Taint, Toleration } from '@wisp/api';

export type { Taint, Toleration };

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** As upstream's `Toleration.ToleratesTaint`. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  // Equal (or unset): an empty key only pairs with Exists, and values must agree.
  if (!t.key) return false;
  return (t.value ?? '') === (taint.value ?? '');
}

export type EvictionPlan =
  /** Some taint is not tolerated at all: evict now. */
  | { readonly kind: 'now' }
  /** Every taint is tolerated forever (or there are none). */
  | { readonly kind: 'never' }
  /** Evict at this wall-clock time unless the taints go away first. */
  | { readonly kind: 'at'; readonly atMs: number };

/**
 * When a pod with `tolerations` must leave a node carrying `taints` (its NoExecute ones), each
 * taint counting from its `timeAdded` (or `fallbackMs` when it has none).
 */
export function evictionPlan(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  fallbackMs: number,
): EvictionPlan {
  let atMs = Infinity;
  for (const taint of taints) {
    const matching = tolerations.filter((t) => tolerates(t, taint));
    if (matching.length === 0) return { kind: 'now' };
    // The most generous matching toleration decides for this taint.
    const seconds = matching.map((t) => t.tolerationSeconds ?? Infinity);
    const allowedMs = Math.max(...seconds.map((s) => Math.max(0, s) * 1000));
    if (allowedMs === Infinity) continue;
    const since = taint.timeAdded ? Date.parse(taint.timeAdded) : fallbackMs;
    atMs = Math.min(atMs, since + allowedMs);
  }
  return atMs === Infinity ? { kind: 'never' } : { kind: 'at', atMs };
}
