/**
 * A ReplicaSet's status as its controller reports it: counts over the pods it owns, and a
 * ReplicaFailure condition while creating or deleting pods fails.
 */
import type { KubeObject } from '@wisp/api';
import { selectorFromSet } from '@wisp/api/labels/index.ts';
import type {
  ReplicaSetCondition,
  ReplicaSetSpec,
  ReplicaSetStatus,
} from 'kubernetes-types/apps/v1.js';
import { isDeepStrictEqual } from 'node:util';
import { rfc3339 } from '@wisp/core';
import { isPodAvailable, isPodReady } from './pod-conditions.ts';
import type { PodObject } from './pod-conditions.ts';

export type ReplicaSetObject = KubeObject & { spec?: ReplicaSetSpec; status?: ReplicaSetStatus };

export interface ReplicaFailure {
  /** `FailedCreate` or `FailedDelete`. */
  readonly reason: string;
  readonly message: string;
  readonly cause: unknown;
}

export function calculateReplicaSetStatus(
  rs: ReplicaSetObject,
  pods: readonly PodObject[],
  failure: ReplicaFailure | undefined,
  nowMs: number,
): ReplicaSetStatus {
  const templateLabels = selectorFromSet(rs.spec?.template?.metadata?.labels);
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (templateLabels.matches(pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) ready++;
    if (isPodAvailable(pod, minReadySeconds, nowMs)) available++;
  }
  const status: ReplicaSetStatus = { replicas: pods.length };
  // Zero counts are left out, as the Go types' omitempty does.
  if (fullyLabeled > 0) status.fullyLabeledReplicas = fullyLabeled;
  if (ready > 0) status.readyReplicas = ready;
  if (available > 0) status.availableReplicas = available;
  if (rs.metadata.generation !== undefined) status.observedGeneration = rs.metadata.generation;
  const conditions = failureConditions(rs.status?.conditions ?? [], failure, nowMs);
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}

function failureConditions(
  current: readonly ReplicaSetCondition[],
  failure: ReplicaFailure | undefined,
  nowMs: number,
): ReplicaSetCondition[] {
  const existing = current.find((c) => c.type === 'ReplicaFailure');
  if (failure && !existing) {
    return [
      ...current,
      {
        type: 'ReplicaFailure',
        status: 'True',
        reason: failure.reason,
        message: failure.message,
        lastTransitionTime: rfc3339(nowMs),
      },
    ];
  }
  if (!failure && existing) return current.filter((c) => c.type !== 'ReplicaFailure');
  return [...current];
}

/** Same counts, conditions and observed generation: nothing to write. */
export function sameReplicaSetStatus(
  a: ReplicaSetStatus | undefined,
  b: ReplicaSetStatus,
): boolean {
  return isDeepStrictEqual(a ?? {}, b);
}
