/**
 * Deployment conditions with upstream's rules: setting a condition that already has the same
 * status and reason changes nothing (its timestamps and message stay), and a condition keeps
 * its transition time while its status does not change.
 */
import type { DeploymentCondition, DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { rfc3339 } from '@wisp/core';

export type ConditionType = 'Available' | 'Progressing' | 'ReplicaFailure';

export function newCondition(
  type: ConditionType,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  nowMs: number,
): DeploymentCondition {
  const now = rfc3339(nowMs);
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

export function getCondition(
  status: DeploymentStatus | undefined,
  type: ConditionType,
): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getCondition(status, condition.type as ConditionType);
  if (current && current.status === condition.status && current.reason === condition.reason) {
    return;
  }
  const next = { ...condition };
  if (current && current.status === condition.status) {
    next.lastTransitionTime = current.lastTransitionTime;
  }
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: ConditionType): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}
