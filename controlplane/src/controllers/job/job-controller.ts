/**
 * The Job controller: runs pods to `completions` with `parallelism` at a time; fails the Job past
 * `backoffLimit` pod failures (BackoffLimitExceeded) or `activeDeadlineSeconds` (DeadlineExceeded,
 * pods deleted); suspends and resumes; deletes finished Jobs after `ttlSecondsAfterFinished`.
 * Pods carry a tracking finalizer so every finished pod is counted exactly once.
 *
 *   const jobs = createJobController({}, { registry, informers, clock, random, events });
 */
import type { KubeObject } from '@wisp/api';
import type { Selector } from '@wisp/api/labels/index.ts';
import { findResource, selectorFromLabelSelector } from '@wisp/api';
import { isWispError } from '@wisp/core';
import { splitObjectKey, type Informer } from '../../informer/informer.ts';
import { createController } from '../framework/controller.ts';
import type { ReconcileResult } from '../framework/controller.ts';
import { controllerRefOf, FIELD_MANAGER } from '../replicaset/controller-ref.ts';
import type { PodObject } from '../replicaset/pod-conditions.ts';
import { createCacheBarrier } from '../daemonset/shared/cache-barrier.ts';
import { reconcileCached } from '../daemonset/shared/cached-reconcile.ts';
import type {
  WorkloadComponents,
  WorkloadController,
  WorkloadInit,
} from '../daemonset/shared/components.ts';
import { StaleObjectError } from '../daemonset/shared/errors.ts';
import { keyOf, ownedChangeHandler } from '../daemonset/shared/keys.ts';
import { PODS, podControl } from '../daemonset/shared/pod-control.ts';
import { finishedCondition } from './job-conditions.ts';
import type { JobObject } from './job-labels.ts';
import { jobSelector } from './job-labels.ts';
import { hasTrackingFinalizer, TRACKING_FINALIZER, withoutTrackingFinalizer } from './job-pods.ts';
import { PodFailureBackoff } from './pod-failure-backoff.ts';
import type { PodFailureBackoffInit } from './pod-failure-backoff.ts';
import { syncActiveJob } from './job-sync.ts';
import type { JobSyncDeps } from './job-sync.ts';
import { expiresAtMs } from './ttl-after-finished.ts';

export const JOBS = findResource('batch', 'jobs')!;

/** Queue keys of pods whose tracking finalizer no Job will remove. */
const ORPHAN_POD_PREFIX = 'orphan-pod:';

export interface JobControllerInit extends WorkloadInit, PodFailureBackoffInit {
  /** Pod creations or deletions one sync issues at most. */
  readonly podChangesMax?: number;
}

export function createJobController(
  init: JobControllerInit,
  c: WorkloadComponents,
): WorkloadController {
  const jobs = c.informers.for(JOBS);
  const pods = c.informers.for(PODS);
  const barrier = createCacheBarrier();
  const backoff = new PodFailureBackoff(init, c.clock);
  const deps: JobSyncDeps = {
    c,
    jobs,
    pods,
    barrier,
    backoff,
    podChangesMax: init.podChangesMax ?? 500,
  };

  const reconcileJob = reconcileCached<JobObject>(
    {
      informer: jobs,
      barrier,
      cacheRecheckMs: init.cacheRecheckMs,
      onGone: (key) => backoff.forget(key),
    },
    (key, job) =>
      finishedCondition(job) ? syncFinishedJob(deps, key, job) : syncActiveJob(deps, key, job),
  );

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    if (key.startsWith(ORPHAN_POD_PREFIX)) {
      return syncOrphanPod(deps, key.slice(ORPHAN_POD_PREFIX.length));
    }
    return reconcileJob(key);
  }

  const controller = createController(
    { name: 'job', workers: init.workers },
    { clock: c.clock, reconcile, log: c.log },
  );
  const adopters = (orphan: KubeObject): string[] =>
    jobs
      .list(orphan.metadata.namespace)
      .filter((j) => selectorOf(j as JobObject)?.matches(orphan.metadata.labels))
      .map(keyOf);
  const owned = ownedChangeHandler('Job', controller.enqueue, adopters);
  jobs.onChange((key) => controller.enqueue(key));
  pods.onChange((key, obj, old) => {
    owned(key, obj, old);
    if (obj && needsOrphanCleanup(jobs, obj as PodObject)) {
      controller.enqueue(ORPHAN_POD_PREFIX + key);
    }
  });
  return { ...controller, reconcile };
}

function selectorOf(job: JobObject): Selector | undefined {
  try {
    return selectorFromLabelSelector(jobSelector(job));
  } catch {
    return undefined;
  }
}

/** A tracked pod whose Job is gone, replaced or finished: nothing else will let it go. */
function needsOrphanCleanup(jobs: Informer, pod: PodObject): boolean {
  if (!hasTrackingFinalizer(pod)) return false;
  const ref = controllerRefOf(pod);
  if (!ref) return true;
  // A pod some other kind of controller took over keeps its finalizer, as upstream.
  if (ref.kind !== 'Job') return false;
  const job = jobs.get(pod.metadata.namespace, ref.name) as JobObject | undefined;
  return !job || job.metadata.uid !== ref.uid || finishedCondition(job) !== undefined;
}

async function syncOrphanPod(d: JobSyncDeps, podKey: string): Promise<void> {
  const { namespace, name } = splitObjectKey(podKey);
  const pod = d.pods.get(namespace, name) as PodObject | undefined;
  if (!pod || !hasTrackingFinalizer(pod)) return;
  const ref = controllerRefOf(pod);
  if (ref && ref.kind !== 'Job') return;
  if (ref) {
    try {
      // Uncached: a Job the cache has not seen yet must not lose its pods' finalizers.
      const job = (await d.c.registry.get(JOBS, namespace, ref.name)) as JobObject;
      if (
        job.metadata.uid === ref.uid &&
        !finishedCondition(job) &&
        !job.metadata.deletionTimestamp
      ) {
        return;
      }
    } catch (e) {
      if (!isWispError(e, 'ERR_NOT_FOUND')) throw e;
    }
  }
  try {
    await d.c.registry.modify(
      PODS,
      namespace,
      name,
      (cur) => {
        if (!cur || cur.metadata.uid !== pod.metadata.uid) throw new StaleObjectError(PODS, name);
        withoutTrackingFinalizer(cur as PodObject);
        return cur;
      },
      { fieldManager: FIELD_MANAGER },
    );
  } catch (e) {
    if (!isWispError(e, 'ERR_NOT_FOUND')) throw e;
  }
}

/** Lets go of any pod still tracked, then applies ttlSecondsAfterFinished. */
async function syncFinishedJob(
  d: JobSyncDeps,
  key: string,
  job: JobObject,
): Promise<ReconcileResult | void> {
  const control = podControl({ ...ctxOf(d, key), events: d.c.events, pods: d.pods }, job);
  for (const pod of d.pods.list(job.metadata.namespace) as PodObject[]) {
    if (controllerRefOf(pod)?.uid !== job.metadata.uid) continue;
    if (pod.metadata.finalizers?.includes(TRACKING_FINALIZER)) {
      await control.modify(pod, (cur) => withoutTrackingFinalizer(cur as PodObject));
    }
  }
  const expiresMs = expiresAtMs(job);
  if (expiresMs === undefined || job.metadata.deletionTimestamp) return;
  const leftMs = expiresMs - d.c.clock.now();
  if (leftMs > 0) return { requeueAfterMs: leftMs };
  try {
    const { object } = await d.c.registry.delete(JOBS, job.metadata.namespace, job.metadata.name!, {
      propagationPolicy: 'Background',
      preconditions: { uid: job.metadata.uid },
    });
    d.barrier.wrote(key, d.jobs, object.metadata.resourceVersion);
  } catch (e) {
    if (!isWispError(e, 'ERR_NOT_FOUND')) throw e;
  }
}

function ctxOf(d: JobSyncDeps, key: string) {
  return { registry: d.c.registry, barrier: d.barrier, key };
}
