/**
 * One sync of a CronJob, as upstream's cronjob_controllerv2 `syncCronJob`: settle the active list
 * against the Jobs that exist, then, unless suspended, start the Job for the latest due activation
 * (within startingDeadlineSeconds, honouring concurrencyPolicy) and say when to look again.
 */
import type { CronJobStatus } from 'kubernetes-types/batch/v1.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import { isWispError, rfc3339 } from '@wisp/core';
import type { Informer } from '../../informer/informer.ts';
import { FIELD_MANAGER, isControlledBy } from '../replicaset/controller-ref.ts';
import type { CacheBarrier } from '../daemonset/shared/cache-barrier.ts';
import type { WorkloadComponents } from '../daemonset/shared/components.ts';
import { finishedCondition } from '../job/job-conditions.ts';
import type { JobObject } from '../job/job-labels.ts';
import { isValidTimeZone, parseSchedule } from './cron-schedule.ts';
import type { CronSchedule } from './cron-schedule.ts';
import { jobFromTemplate, jobName } from './job-from-template.ts';
import type { CronJobObject } from './job-from-template.ts';
import { nextScheduleDelayMs, nextScheduleTime } from './schedule-times.ts';
import type { ScheduleState } from './schedule-times.ts';

export const JOBS = findResource('batch', 'jobs')!;

export interface CronDeps {
  readonly c: WorkloadComponents;
  readonly cronJobs: Informer;
  readonly jobs: Informer;
  readonly barrier: CacheBarrier;
}

/** One reconcile of one CronJob; `status` collects every change for a single write. */
export interface CronPass {
  readonly d: CronDeps;
  readonly key: string;
  readonly cj: CronJobObject;
  readonly status: CronJobStatus;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function record(p: CronPass, type: 'Normal' | 'Warning', reason: string, msg: string) {
  return p.d.c.events.record(p.cj, type, reason, msg);
}

function dropActive(p: CronPass, uid: string | undefined): void {
  p.status.active = (p.status.active ?? []).filter((r) => r.uid !== uid);
  if (p.status.active.length === 0) delete p.status.active;
}

/** Deletes a Job of the CronJob with its pods in the background; false if that failed. */
export async function deleteJob(p: CronPass, job: KubeObject): Promise<boolean> {
  try {
    const { object } = await p.d.c.registry.delete(
      JOBS,
      job.metadata.namespace,
      job.metadata.name!,
      {
        propagationPolicy: 'Background',
        preconditions: { uid: job.metadata.uid },
      },
    );
    p.d.barrier.wrote(p.key, p.d.jobs, object.metadata.resourceVersion);
  } catch (e) {
    if (!isWispError(e, 'ERR_NOT_FOUND')) {
      await record(p, 'Warning', 'FailedDelete', `Deleted job: ${message(e)}`);
      return false;
    }
  }
  dropActive(p, job.metadata.uid);
  await record(p, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
  return true;
}

/** Drops finished and vanished Jobs from the active list and notes the last success. */
async function reconcileActive(p: CronPass, jobs: readonly JobObject[]): Promise<void> {
  const { status } = p;
  for (const j of jobs) {
    const active = (status.active ?? []).some((r) => r.uid === j.metadata.uid);
    const finished = finishedCondition(j);
    if (!active && !finished) {
      const msg = `Saw a job that the controller did not create or forgot: ${j.metadata.name}`;
      await record(p, 'Warning', 'UnexpectedJob', msg);
    } else if (active && finished) {
      dropActive(p, j.metadata.uid);
      const msg = `Saw completed job: ${j.metadata.name}, condition: ${finished.type}`;
      await record(p, 'Normal', 'SawCompletedJob', msg);
    }
    const done = j.status?.completionTime;
    if (finished?.type === 'Complete' && done) {
      const last = status.lastSuccessfulTime;
      if (!last || Date.parse(done) > Date.parse(last)) status.lastSuccessfulTime = done;
    }
  }
  const children = new Set(jobs.map((j) => j.metadata.uid));
  for (const ref of [...(status.active ?? [])]) {
    if (children.has(ref.uid)) continue;
    // Uncached: a Job missing only from a lagging cache is not missing.
    if (await jobExists(p, ref)) continue;
    await record(p, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
    dropActive(p, ref.uid);
  }
}

async function jobExists(p: CronPass, ref: ObjectReference): Promise<boolean> {
  try {
    const job = await p.d.c.registry.get(JOBS, p.cj.metadata.namespace, ref.name!);
    return job.metadata.uid === ref.uid;
  } catch (e) {
    if (isWispError(e, 'ERR_NOT_FOUND')) return false;
    throw e;
  }
}

function scheduleState(p: CronPass): ScheduleState {
  const last = p.status.lastScheduleTime;
  return {
    createdMs: Date.parse(p.cj.metadata.creationTimestamp ?? '') || 0,
    lastScheduleMs: last ? Date.parse(last) : undefined,
    startingDeadlineSeconds: p.cj.spec?.startingDeadlineSeconds ?? undefined,
  };
}

/** Returns how long until the CronJob should be looked at again (undefined: only on change). */
export async function syncCronJob(
  p: CronPass,
  jobs: readonly JobObject[],
): Promise<number | undefined> {
  await reconcileActive(p, jobs);
  const { cj } = p;
  if (cj.metadata.deletionTimestamp) return;
  const schedule = await usableSchedule(p);
  if (!schedule || cj.spec?.suspend === true) return;
  const nowMs = p.d.c.clock.now();
  const later = () => finite(nextScheduleDelayMs(scheduleState(p), nowMs, schedule));
  let due: ReturnType<typeof nextScheduleTime>;
  try {
    due = nextScheduleTime(scheduleState(p), nowMs, schedule);
  } catch (e) {
    const msg = `invalid schedule: ${cj.spec?.schedule} : ${message(e)}`;
    await record(p, 'Warning', 'InvalidSchedule', msg);
    return;
  }
  if (due.missed === 'many') {
    const msg =
      'too many missed start times. ' +
      'Set or decrease .spec.startingDeadlineSeconds or check clock skew';
    await record(p, 'Warning', 'TooManyMissedTimes', msg);
  }
  if (due.timeMs === undefined) return later();
  if (!(await mayStart(p, due.timeMs, nowMs))) return later();
  await startJob(p, due.timeMs);
  return later();
}

/** The parsed schedule, or undefined (with a Warning event) when it cannot be used. */
async function usableSchedule(p: CronPass): Promise<CronSchedule | undefined> {
  const tz = p.cj.spec?.timeZone ?? undefined;
  const text = p.cj.spec?.schedule ?? '';
  if (tz !== undefined && !isValidTimeZone(tz)) {
    await record(
      p,
      'Warning',
      'UnknownTimeZone',
      `invalid timeZone: "${tz}": unknown time zone ${tz}`,
    );
    return;
  }
  if (text.includes('TZ')) {
    const msg =
      `CRON_TZ or TZ used in schedule "${text}" is not officially supported, see ` +
      'https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details';
    await record(p, 'Warning', 'UnsupportedSchedule', msg);
  }
  try {
    return parseSchedule(text, tz);
  } catch (e) {
    await record(
      p,
      'Warning',
      'UnparseableSchedule',
      `unparseable schedule: "${text}" : ${message(e)}`,
    );
    return;
  }
}

/** Deadline, duplicate and concurrency checks; Replace deletes the running Jobs here. */
async function mayStart(p: CronPass, scheduledMs: number, nowMs: number): Promise<boolean> {
  const { cj, status } = p;
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && scheduledMs + deadline * 1000 < nowMs) {
    const msg = `Missed scheduled time to start a job: ${rfc1123z(scheduledMs)}`;
    await record(p, 'Warning', 'MissSchedule', msg);
    return false;
  }
  const name = jobName(cj, scheduledMs);
  const active = status.active ?? [];
  if (active.some((r) => r.name === name) || status.lastScheduleTime === rfc3339(scheduledMs)) {
    return false;
  }
  const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && active.length > 0) {
    const msg =
      'Not starting job because prior execution is running and concurrency policy is Forbid';
    await record(p, 'Normal', 'JobAlreadyActive', msg);
    return false;
  }
  if (policy === 'Replace') {
    for (const ref of active) {
      const job = { metadata: { name: ref.name, namespace: ref.namespace, uid: ref.uid } };
      if (!(await deleteJob(p, job))) {
        throw new Error(`could not replace job ${ref.namespace}/${ref.name}`);
      }
    }
  }
  return true;
}

async function startJob(p: CronPass, scheduledMs: number): Promise<void> {
  const { cj, d } = p;
  const ns = cj.metadata.namespace;
  let job: KubeObject;
  try {
    job = await d.c.registry.create(JOBS, ns, jobFromTemplate(cj, scheduledMs), {
      fieldManager: FIELD_MANAGER,
    });
    d.barrier.wrote(p.key, d.jobs, job.metadata.resourceVersion);
    await record(p, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`);
  } catch (e) {
    if (!isWispError(e, 'ERR_ALREADY_EXISTS')) {
      await record(p, 'Warning', 'FailedCreate', `Error creating job: ${message(e)}`);
      throw e;
    }
    // Created before, but the status that says so was never written: adopt it into the list.
    job = await d.c.registry.get(JOBS, ns, jobName(cj, scheduledMs));
    if (!isControlledBy(job, cj)) return;
    if ((p.status.active ?? []).some((r) => r.uid === job.metadata.uid)) return;
  }
  p.status.active = [...(p.status.active ?? []), referenceTo(job)];
  p.status.lastScheduleTime = rfc3339(scheduledMs);
}

function referenceTo(job: KubeObject): ObjectReference {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata.name,
    namespace: job.metadata.namespace,
    uid: job.metadata.uid,
    resourceVersion: job.metadata.resourceVersion,
  };
}

function finite(ms: number): number | undefined {
  return Number.isFinite(ms) ? ms : undefined;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's RFC1123Z in UTC: `Wed, 01 Jan 2025 00:00:00 +0000`. */
export function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ` +
    `${d.getUTCFullYear()} ${time} +0000`
  );
}
