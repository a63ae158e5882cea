/**
 * What one Job sync should do, as upstream's `syncJob` + `manageJob`, as a pure function: fail
 * the Job past its backoffLimit or activeDeadlineSeconds, keep `parallelism` pods running (never
 * more than the completions still needed), remove pods while suspended, and declare it Complete
 * once enough pods succeeded and none is left running.
 */
import type { PodObject } from '../replicaset/pod-conditions.ts';
import type { Finish } from './job-conditions.ts';
import { BACKOFF_LIMIT_EXCEEDED, COMPLETE, DEADLINE_EXCEEDED } from './job-conditions.ts';
import type { JobObject } from './job-labels.ts';
import { removalOrder } from './job-pods.ts';

export interface JobPlanInput {
  readonly job: JobObject;
  /** Pods still running or pending, not being deleted. */
  readonly active: readonly PodObject[];
  /** Every success and failure so far, counted or about to be. */
  readonly succeeded: number;
  readonly failed: number;
  readonly nowMs: number;
  /** How long new pods must still wait after recent failures. */
  readonly backoffRemainingMs: number;
  /** Pod creations or deletions one sync issues at most. */
  readonly podChangesMax: number;
}

export interface JobPlan {
  readonly finish?: Finish;
  /** Delete every active pod and count it as failed (the Job failed). */
  readonly failActive: boolean;
  /** Pods to delete without counting them (too many, or suspended). */
  readonly remove: PodObject[];
  readonly create: number;
  readonly activeAfter: number;
  readonly requeueAfterMs?: number;
}

export function planJob(input: JobPlanInput): JobPlan {
  const { job, active, nowMs } = input;
  const spec = job.spec ?? { template: {} };
  const suspended = spec.suspend === true;
  const backoffLimit = spec.backoffLimit ?? 6;
  if (input.failed > backoffLimit || pastBackoffLimitOnFailure(job, active)) {
    return failed(BACKOFF_LIMIT_EXCEEDED);
  }
  let requeueAfterMs: number | undefined;
  const deadlineS = spec.activeDeadlineSeconds;
  // A Job being resumed starts its deadline afresh (the sync resets startTime to now).
  const resuming =
    !suspended &&
    job.status?.conditions?.some((c) => c.type === 'Suspended' && c.status === 'True');
  const startMs = job.status?.startTime && !resuming ? Date.parse(job.status.startTime) : nowMs;
  if (deadlineS !== undefined && deadlineS !== null && !suspended) {
    const leftMs = startMs + deadlineS * 1000 - nowMs;
    if (leftMs <= 0) return failed(DEADLINE_EXCEEDED);
    requeueAfterMs = leftMs;
  }
  const m = suspended ? suspend(active) : manage(input);
  const completions = spec.completions ?? undefined;
  const complete =
    m.activeAfter === 0 &&
    (completions === undefined ? input.succeeded > 0 : input.succeeded >= completions);
  return {
    ...m,
    failActive: false,
    ...(complete ? { finish: COMPLETE } : {}),
    requeueAfterMs: min(requeueAfterMs, m.waitMs),
  };
}

function failed(finish: Finish): JobPlan {
  return { finish, failActive: true, remove: [], create: 0, activeAfter: 0 };
}

interface Managed {
  remove: PodObject[];
  create: number;
  activeAfter: number;
  waitMs?: number;
}

function suspend(active: readonly PodObject[]): Managed {
  return { remove: [...active], create: 0, activeAfter: 0 };
}

function manage(input: JobPlanInput): Managed {
  const spec = input.job.spec!;
  const parallelism = spec.parallelism ?? 1;
  const completions = spec.completions ?? undefined;
  const active = input.active.length;
  let want: number;
  if (completions === undefined) {
    // A work-queue Job: once any pod succeeded, the rest finish on their own.
    want = input.succeeded > 0 ? active : parallelism;
  } else {
    want = Math.max(0, Math.min(completions - input.succeeded, parallelism));
  }
  const excess = Math.min(Math.max(0, active - want), input.podChangesMax);
  const remove = [...input.active].sort(removalOrder).slice(0, excess);
  let activeAfter = active - remove.length;
  if (activeAfter >= want) return { remove, create: 0, activeAfter };
  if (input.backoffRemainingMs > 0) {
    return { remove, create: 0, activeAfter, waitMs: input.backoffRemainingMs };
  }
  const create = Math.min(want - activeAfter, input.podChangesMax);
  activeAfter += create;
  return { remove, create, activeAfter };
}

/** With restartPolicy OnFailure, container restarts of live pods count against the limit. */
function pastBackoffLimitOnFailure(job: JobObject, active: readonly PodObject[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const pod of active) {
    const phase = pod.status?.phase;
    if (phase !== 'Running' && phase !== 'Pending') continue;
    for (const s of pod.status?.initContainerStatuses ?? []) restarts += s.restartCount ?? 0;
    for (const s of pod.status?.containerStatuses ?? []) restarts += s.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

function min(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
