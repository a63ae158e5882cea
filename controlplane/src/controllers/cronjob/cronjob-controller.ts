/**
 * The CronJob controller: starts a Job for each activation of `spec.schedule` (in
 * `spec.timeZone`), on the injected Clock: every sync asks to be called again at the next
 * activation, so advancing a FakeClock past it runs the Job. concurrencyPolicy Allow / Forbid /
 * Replace, startingDeadlineSeconds, suspend, and the successful / failed history limits.
 *
 *   const cj = createCronJobController({}, { registry, informers, clock, random, events });
 */
import { findResource } from '@wisp/api';
import { createController } from '../framework/controller.ts';
import type { ReconcileResult } from '../framework/controller.ts';
import { controllerRefOf } from '../replicaset/controller-ref.ts';
import { createCacheBarrier } from '../daemonset/shared/cache-barrier.ts';
import { reconcileCached } from '../daemonset/shared/cached-reconcile.ts';
import type {
  WorkloadComponents,
  WorkloadController,
  WorkloadInit,
} from '../daemonset/shared/components.ts';
import { ownedChangeHandler } from '../daemonset/shared/keys.ts';
import { writeStatus } from '../daemonset/shared/status-writer.ts';
import type { JobObject } from '../job/job-labels.ts';
import { JOBS, syncCronJob } from './cronjob-sync.ts';
import type { CronDeps, CronPass } from './cronjob-sync.ts';
import type { CronJobObject } from './job-from-template.ts';
import { cleanupFinishedJobs } from './job-history.ts';

export const CRONJOBS = findResource('batch', 'cronjobs')!;

export type CronJobControllerInit = WorkloadInit;

export function createCronJobController(
  init: CronJobControllerInit,
  c: WorkloadComponents,
): WorkloadController {
  const cronJobs = c.informers.for(CRONJOBS);
  const jobs = c.informers.for(JOBS);
  const barrier = createCacheBarrier();
  const d: CronDeps = { c, cronJobs, jobs, barrier };
  const reconcile = reconcileCached<CronJobObject>(
    { informer: cronJobs, barrier, cacheRecheckMs: init.cacheRecheckMs },
    (key, cj) => reconcileCronJob(d, key, cj),
  );

  const controller = createController(
    { name: 'cronjob', workers: init.workers },
    { clock: c.clock, reconcile, log: c.log },
  );
  cronJobs.onChange((key) => controller.enqueue(key));
  jobs.onChange(ownedChangeHandler('CronJob', controller.enqueue));
  return { ...controller, reconcile };
}

async function reconcileCronJob(
  d: CronDeps,
  key: string,
  cj: CronJobObject,
): Promise<ReconcileResult | void> {
  const owned = (d.jobs.list(cj.metadata.namespace) as JobObject[]).filter(
    (j) => controllerRefOf(j)?.uid === cj.metadata.uid,
  );
  const pass: CronPass = { d, key, cj, status: structuredClone(cj.status ?? {}) };
  let requeueAfterMs: number | undefined;
  let failure: unknown;
  try {
    await cleanupFinishedJobs(pass, owned);
    requeueAfterMs = await syncCronJob(pass, owned);
  } catch (e) {
    failure = e;
  }
  await writeStatus(
    { registry: d.c.registry, barrier: d.barrier, key, informer: d.cronJobs },
    CRONJOBS,
    cj,
    pass.status,
  );
  if (failure) throw failure;
  return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
}
