/**
 * Job conditions: Complete, Failed and Suspended, with upstream's reasons and messages.
 */
import type { JobCondition, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { JobObject } from './job-labels.ts';

export interface Finish {
  readonly type: 'Complete' | 'Failed';
  readonly reason?: string;
  readonly message?: string;
}

export const BACKOFF_LIMIT_EXCEEDED: Finish = {
  type: 'Failed',
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
};

export const DEADLINE_EXCEEDED: Finish = {
  type: 'Failed',
  reason: 'DeadlineExceeded',
  message: 'Job was active longer than specified deadline',
};

export const COMPLETE: Finish = { type: 'Complete' };

export function newCondition(
  type: string,
  status: 'True' | 'False',
  reason: string | undefined,
  message: string | undefined,
  now: string,
): JobCondition {
  return {
    type,
    status,
    lastProbeTime: now,
    lastTransitionTime: now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

export function findCondition(status: JobStatus | undefined, type: string) {
  return status?.conditions?.find((c) => c.type === type);
}

/** The condition that finished the Job, if any. */
export function finishedCondition(job: JobObject): JobCondition | undefined {
  return job.status?.conditions?.find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

/**
 * Sets a condition's status, reason and message; returns whether anything changed. A False
 * condition is only written over an existing one, never added (as `ensureJobConditionStatus`).
 */
export function ensureCondition(status: JobStatus, cond: JobCondition): boolean {
  const list = status.conditions ?? [];
  const i = list.findIndex((c) => c.type === cond.type);
  if (i < 0) {
    if (cond.status === 'False') return false;
    status.conditions = [...list, cond];
    return true;
  }
  const old = list[i];
  if (old.status === cond.status && old.reason === cond.reason && old.message === cond.message) {
    return false;
  }
  const next = [...list];
  next[i] = {
    ...cond,
    lastTransitionTime:
      old.status === cond.status ? old.lastTransitionTime : cond.lastTransitionTime,
  };
  status.conditions = next;
  return true;
}
