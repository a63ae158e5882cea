/**
 * What the disruption controller and the eviction check share about PodDisruptionBudgets:
 * which pods a budget covers, which pods count as healthy, and int-or-percent arithmetic.
 */
import type { KubeObject } from '@wisp/api';
import { selectorFromLabelSelector } from '@wisp/api';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from '@wisp/api';
import type { Pod } from '@wisp/api';

export type { PodDisruptionBudget, PodDisruptionBudgetStatus };

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';

export function asPdb(obj: KubeObject): PodDisruptionBudget {
  return obj as unknown as PodDisruptionBudget;
}

/** policy/v1: a missing selector covers nothing, an empty one every pod of the namespace. */
export function pdbCovers(pdb: KubeObject, pod: KubeObject): boolean {
  if (pdb.metadata.namespace !== pod.metadata.namespace) return false;
  try {
    return selectorFromLabelSelector(asPdb(pdb).spec?.selector).matches(pod.metadata.labels);
  } catch {
    return false;
  }
}

export function isPodReady(pod: KubeObject): boolean {
  const conditions = (pod as unknown as Pod).status?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * `5` or `"50%"` scaled against `total`, rounding up as upstream's
 * `GetScaledValueFromIntOrPercent(..., true)`. Throws on anything else.
 */
export function scaledValue(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}`);
  return Math.ceil((Number(m[1]) * total) / 100);
}
