/**
 * One sync of a Job that has not finished: claim its pods, count the ones that ended (through
 * `uncountedTerminatedPods` and the tracking finalizer), act on `planJob`, and write the status
 * with the conditions and events upstream gives.
 */
import type { JobStatus } from 'kubernetes-types/batch/v1.js';
import { findResource, selectorFromLabelSelector } from '@wisp/api';
import { rfc3339 } from '@wisp/core';
import type { Informer } from '../../informer/informer.ts';
import type { ReconcileResult } from '../framework/controller.ts';
import { isPodActive, isPodReady } from '../replicaset/pod-conditions.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import type { CacheBarrier } from '../daemonset/shared/cache-barrier.ts';
import { claim } from '../daemonset/shared/claim.ts';
import type { WorkloadComponents } from '../daemonset/shared/components.ts';
import { PODS, podControl } from '../daemonset/shared/pod-control.ts';
import type { PodControl } from '../daemonset/shared/pod-control.ts';
import { slowStartBatch } from '../daemonset/shared/slow-start.ts';
import { writeStatus } from '../daemonset/shared/status-writer.ts';
import { ensureCondition, newCondition } from './job-conditions.ts';
import type { JobObject } from './job-labels.ts';
import { jobSelector } from './job-labels.ts';
import type { JobPlan } from './job-plan.ts';
import { planJob } from './job-plan.ts';
import {
  JOB_KIND,
  TRACKING_FINALIZER,
  hasTrackingFinalizer,
  newJobPod,
  podOutcome,
  withoutTrackingFinalizer,
} from './job-pods.ts';
import type { PodFailureBackoff } from './pod-failure-backoff.ts';
import { expiresAtMs } from './ttl-after-finished.ts';

const JOBS = findResource('batch', 'jobs')!;

export interface JobSyncDeps {
  readonly c: WorkloadComponents;
  readonly jobs: Informer;
  readonly pods: Informer;
  readonly barrier: CacheBarrier;
  readonly backoff: PodFailureBackoff;
  readonly podChangesMax: number;
}

interface Uncounted {
  succeeded: string[];
  failed: string[];
}

interface Pass {
  readonly d: JobSyncDeps;
  readonly key: string;
  /** The Job as last written. */
  job: JobObject;
  readonly control: PodControl;
  readonly uncounted: Uncounted;
  /** Uids whose finalizer could not be removed this pass. */
  readonly held: Set<string>;
  errors: unknown[];
}

export async function syncActiveJob(
  d: JobSyncDeps,
  key: string,
  job: JobObject,
): Promise<ReconcileResult | void> {
  const ctx = { registry: d.c.registry, barrier: d.barrier, key };
  const control = podControl({ ...ctx, events: d.c.events, pods: d.pods }, job);
  const pods = (await claim(
    { ...ctx, informer: d.pods },
    {
      info: PODS,
      owner: job,
      ownerInfo: JOBS,
      ownerKind: JOB_KIND,
      selector: selectorFromLabelSelector(jobSelector(job)),
      onAdopt: (p) => {
        p.metadata.finalizers = [...(p.metadata.finalizers ?? []), TRACKING_FINALIZER];
      },
      onRelease: (p) => withoutTrackingFinalizer(p as PodObject),
    },
    d.pods.list(job.metadata.namespace),
  )) as PodObject[];
  const pass: Pass = {
    d,
    key,
    job,
    control,
    uncounted: {
      succeeded: [...(job.status?.uncountedTerminatedPods?.succeeded ?? [])],
      failed: [...(job.status?.uncountedTerminatedPods?.failed ?? [])],
    },
    held: new Set(),
    errors: [],
  };
  if (job.metadata.deletionTimestamp) {
    // Its pods go with it; none must be left waiting on a finalizer.
    for (const p of pods.filter(hasTrackingFinalizer)) await releasePod(pass, p);
    return;
  }
  return runPass(pass, pods);
}

async function runPass(pass: Pass, pods: PodObject[]): Promise<ReconcileResult | void> {
  const { d, key, job } = pass;
  const status = job.status ?? {};
  const known = new Set([...pass.uncounted.succeeded, ...pass.uncounted.failed]);
  const ended = pods.filter(
    (p) => hasTrackingFinalizer(p) && podOutcome(p) && !known.has(p.metadata.uid!),
  );
  const active = pods.filter(isPodActive);
  const count = (o: 'succeeded' | 'failed') => ended.filter((p) => podOutcome(p) === o).length;
  const nowMs = d.c.clock.now();
  d.backoff.observe(key, count('failed'), count('succeeded'));
  const plan = planJob({
    job,
    active,
    succeeded: (status.succeeded ?? 0) + pass.uncounted.succeeded.length + count('succeeded'),
    failed: (status.failed ?? 0) + pass.uncounted.failed.length + count('failed'),
    nowMs,
    backoffRemainingMs: d.backoff.remainingMs(key),
    podChangesMax: d.podChangesMax,
  });
  for (const p of ended) pass.uncounted[podOutcome(p)!].push(p.metadata.uid!);
  if (plan.failActive) {
    for (const p of active.filter(hasTrackingFinalizer))
      pass.uncounted.failed.push(p.metadata.uid!);
  }
  if (pass.uncounted.succeeded.length + pass.uncounted.failed.length > known.size) {
    // Recorded before any finalizer goes, so a crash in between cannot lose a count.
    await saveStatus(pass, { ...status, uncountedTerminatedPods: { ...pass.uncounted } });
  }
  const created = await act(pass, pods, active, plan);
  return finish(pass, active, plan, created, nowMs);
}

/** Removes finalizers of counted pods, deletes and creates pods; returns how many were made. */
async function act(
  pass: Pass,
  pods: PodObject[],
  active: PodObject[],
  plan: JobPlan,
): Promise<number> {
  const toCount = new Set([...pass.uncounted.succeeded, ...pass.uncounted.failed]);
  for (const p of pods) {
    if (hasTrackingFinalizer(p) && toCount.has(p.metadata.uid!)) await releasePod(pass, p);
  }
  const doomed = plan.failActive ? active : plan.remove;
  for (const p of doomed) {
    // Pods removed for scale-down or suspension are not failures: untrack them first.
    if (!plan.failActive && hasTrackingFinalizer(p)) await releasePod(pass, p);
    await pass.control.delete(p).catch((e) => pass.errors.push(e));
  }
  if (plan.create === 0) return 0;
  const batch = Array.from({ length: plan.create }, (_, i) => i);
  const result = await slowStartBatch(batch, 1, async () => {
    await pass.control.create(newJobPod(pass.job));
  });
  if (result.error) pass.errors.push(result.error);
  return result.done;
}

async function releasePod(pass: Pass, pod: PodObject): Promise<void> {
  try {
    await pass.control.modify(pod, (cur) => withoutTrackingFinalizer(cur as PodObject));
  } catch (e) {
    pass.held.add(pod.metadata.uid!);
    pass.errors.push(e);
  }
}

async function finish(
  pass: Pass,
  active: PodObject[],
  plan: JobPlan,
  created: number,
  nowMs: number,
): Promise<ReconcileResult | void> {
  const { d, job } = pass;
  const now = rfc3339(nowMs);
  const status: JobStatus = structuredClone(job.status ?? {});
  const moved = (list: string[]) => list.filter((u) => !pass.held.has(u));
  const succeeded = moved(pass.uncounted.succeeded);
  const failed = moved(pass.uncounted.failed);
  status.succeeded = (status.succeeded ?? 0) + succeeded.length;
  status.failed = (status.failed ?? 0) + failed.length;
  status.uncountedTerminatedPods = {
    ...(pass.uncounted.succeeded.length > succeeded.length
      ? { succeeded: pass.uncounted.succeeded.filter((u) => pass.held.has(u)) }
      : {}),
    ...(pass.uncounted.failed.length > failed.length
      ? { failed: pass.uncounted.failed.filter((u) => pass.held.has(u)) }
      : {}),
  };
  const remaining = plan.failActive ? [] : active.filter((p) => !plan.remove.includes(p));
  status.active = plan.activeAfter - (plan.create - created);
  status.ready = remaining.filter(isPodReady).length;
  const events = suspension(job, status, now);
  // A Job only finishes once every pod it counted has let go of its finalizer.
  const finished = plan.finish && pass.errors.length === 0 && pass.held.size === 0;
  if (finished) events.push(...finishJob(status, plan, now));
  await saveStatus(pass, status);
  for (const [type, reason, message] of events) await d.c.events.record(job, type, reason, message);
  if (pass.errors.length > 0) throw pass.errors[0];
  if (finished) {
    const expires = expiresAtMs({ ...pass.job, status });
    if (expires !== undefined) return { requeueAfterMs: Math.max(0, expires - nowMs) };
    return;
  }
  return plan.requeueAfterMs === undefined ? undefined : { requeueAfterMs: plan.requeueAfterMs };
}

type EventSpec = ['Normal' | 'Warning', string, string];

/** Start time, and the Suspended condition as it flips. */
function suspension(job: JobObject, status: JobStatus, now: string): EventSpec[] {
  if (job.spec?.suspend === true) {
    const cond = newCondition('Suspended', 'True', 'JobSuspended', 'Job suspended', now);
    return ensureCondition(status, cond) ? [['Normal', 'Suspended', 'Job suspended']] : [];
  }
  status.startTime ??= now;
  const cond = newCondition('Suspended', 'False', 'JobResumed', 'Job resumed', now);
  if (!ensureCondition(status, cond)) return [];
  // The deadline counts time active, so a resumed Job starts its clock again.
  status.startTime = now;
  return [['Normal', 'Resumed', 'Job resumed']];
}

function finishJob(status: JobStatus, plan: JobPlan, now: string): EventSpec[] {
  const f = plan.finish!;
  ensureCondition(status, newCondition(f.type, 'True', f.reason, f.message, now));
  status.active = 0;
  status.ready = 0;
  if (f.type === 'Failed') return [['Warning', f.reason!, f.message!]];
  status.completionTime = now;
  return [['Normal', 'Completed', 'Job completed']];
}

async function saveStatus(pass: Pass, status: JobStatus): Promise<void> {
  const ctx = { registry: pass.d.c.registry, barrier: pass.d.barrier, key: pass.key };
  pass.job = await writeStatus({ ...ctx, informer: pass.d.jobs }, JOBS, pass.job, status);
}
