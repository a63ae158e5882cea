/**
 * The status of one PodDisruptionBudget, computed as upstream's disruption controller does it:
 * healthy = ready pods that are neither being deleted nor recently evicted (`disruptedPods`, an
 * eviction the controller has not yet seen land); desired from minAvailable / maxUnavailable
 * (ints or percents of the controllers' scale); disruptionsAllowed = healthy - desired.
 */
import type { Condition, KubeObject } from '@wisp/api';
import { rfc3339 } from '@wisp/core';
import {
  asPdb,
  DISRUPTION_ALLOWED,
  isPodReady,
  scaledValue,
  type PodDisruptionBudgetStatus,
} from './pdb-shape.ts';

export interface PdbInputs {
  readonly pdb: KubeObject;
  /** Pods the budget covers. */
  readonly pods: readonly KubeObject[];
  /** Sum of the pods' controllers' scale; asked for only by percents and maxUnavailable. */
  expectedScale(): number;
  readonly nowMs: number;
  /** How long an eviction recorded in `disruptedPods` counts before the controller forgets it. */
  readonly deletionTimeoutMs: number;
}

export interface PdbComputed {
  readonly status: PodDisruptionBudgetStatus;
  /** When a `disruptedPods` entry expires and the status must be computed again. */
  readonly recheckAtMs?: number;
}

function expectedAndDesired(inputs: PdbInputs): { expected: number; desired: number } {
  const spec = asPdb(inputs.pdb).spec ?? {};
  if (spec.maxUnavailable !== undefined) {
    const expected = inputs.expectedScale();
    const maxUnavailable = scaledValue(spec.maxUnavailable, expected);
    return { expected, desired: Math.max(0, expected - maxUnavailable) };
  }
  if (typeof spec.minAvailable === 'number') {
    return { expected: inputs.pods.length, desired: spec.minAvailable };
  }
  if (typeof spec.minAvailable === 'string') {
    const expected = inputs.expectedScale();
    return { expected, desired: scaledValue(spec.minAvailable, expected) };
  }
  return { expected: 0, desired: 0 };
}

function liveDisruptions(inputs: PdbInputs): {
  kept: Record<string, string>;
  recheckAtMs?: number;
} {
  const recorded = asPdb(inputs.pdb).status?.disruptedPods ?? {};
  const kept: Record<string, string> = {};
  let recheckAtMs: number | undefined;
  for (const [name, at] of Object.entries(recorded)) {
    const pod = inputs.pods.find((p) => p.metadata.name === name);
    if (!pod || pod.metadata.deletionTimestamp) continue;
    const expiresMs = Date.parse(at) + inputs.deletionTimeoutMs;
    if (!(expiresMs > inputs.nowMs)) continue;
    kept[name] = at;
    recheckAtMs = Math.min(recheckAtMs ?? Infinity, expiresMs);
  }
  return { kept, recheckAtMs };
}

export function computePdbStatus(inputs: PdbInputs): PdbComputed {
  const { kept, recheckAtMs } = liveDisruptions(inputs);
  const healthy = inputs.pods.filter(
    (p) => !p.metadata.deletionTimestamp && !(p.metadata.name! in kept) && isPodReady(p),
  ).length;
  const { expected, desired } = expectedAndDesired(inputs);
  const allowed = expected <= 0 ? 0 : Math.max(0, healthy - desired);
  const generation = inputs.pdb.metadata.generation ?? 0;
  const status: PodDisruptionBudgetStatus = {
    observedGeneration: generation,
    disruptionsAllowed: allowed,
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: expected,
    conditions: withCondition(
      asPdb(inputs.pdb).status?.conditions,
      allowed > 0
        ? { type: DISRUPTION_ALLOWED, status: 'True', reason: 'SufficientPods', message: '' }
        : { type: DISRUPTION_ALLOWED, status: 'False', reason: 'InsufficientPods', message: '' },
      generation,
      inputs.nowMs,
    ) as PodDisruptionBudgetStatus['conditions'],
  };
  if (Object.keys(kept).length > 0) status.disruptedPods = kept;
  return { status, recheckAtMs };
}

/** The status a budget gets when its pods cannot be counted: no disruption allowed. */
export function failedPdbStatus(
  pdb: KubeObject,
  message: string,
  nowMs: number,
): PodDisruptionBudgetStatus {
  const old: Partial<PodDisruptionBudgetStatus> = asPdb(pdb).status ?? {};
  const generation = pdb.metadata.generation ?? 0;
  return {
    ...old,
    observedGeneration: generation,
    disruptionsAllowed: 0,
    currentHealthy: old.currentHealthy ?? 0,
    desiredHealthy: old.desiredHealthy ?? 0,
    expectedPods: old.expectedPods ?? 0,
    conditions: withCondition(
      old.conditions,
      { type: DISRUPTION_ALLOWED, status: 'False', reason: 'SyncFailed', message },
      generation,
      nowMs,
    ) as PodDisruptionBudgetStatus['conditions'],
  };
}

/** Sets one condition as `meta.SetStatusCondition`: the transition time moves only on change. */
export function withCondition(
  conditions: readonly unknown[] | undefined,
  next: Omit<Condition, 'lastTransitionTime'>,
  generation: number,
  nowMs: number,
): Condition[] {
  const list = ((conditions ?? []) as Condition[]).map((c) => ({ ...c }));
  const i = list.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? list[i] : undefined;
  const changed = !prev || prev.status !== next.status;
  const merged: Condition = {
    ...next,
    observedGeneration: generation,
    lastTransitionTime: changed ? rfc3339(nowMs) : prev.lastTransitionTime,
  };
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  return list;
}
