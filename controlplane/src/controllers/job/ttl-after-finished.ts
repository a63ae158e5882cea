/**
 * `ttlSecondsAfterFinished`, as upstream's TTL-after-finished controller: a finished Job is
 * deleted (dependents in the background) once the TTL has passed since it finished.
 */
import type { JobObject } from './job-labels.ts';
import { finishedCondition } from './job-conditions.ts';

/** When the Job expires (epoch ms), or undefined if it has no TTL or has not finished. */
export function expiresAtMs(job: JobObject): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null) return undefined;
  const cond = finishedCondition(job);
  if (!cond) return undefined;
  const finished = job.status?.completionTime ?? cond.lastTransitionTime;
  if (!finished) return undefined;
  return Date.parse(finished) + ttl * 1000;
}
