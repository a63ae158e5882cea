/**
 * successfulJobsHistoryLimit and failedJobsHistoryLimit, as upstream's `cleanupFinishedJobs`:
 * finished Jobs beyond the limit are deleted oldest start time first (never-started last, then
 * by name).
 */
import type { JobObject } from '../job/job-labels.ts';
import { finishedCondition } from '../job/job-conditions.ts';
import { deleteJob } from './cronjob-sync.ts';
import type { CronPass } from './cronjob-sync.ts';

export function byStartTime(a: JobObject, b: JobObject): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa && sb) return 1;
  if (sa && !sb) return -1;
  if (sa && sb && sa !== sb) return Date.parse(sa) - Date.parse(sb);
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** The finished Jobs of `type` to delete to keep `limit`. */
export function jobsBeyondLimit(
  jobs: readonly JobObject[],
  type: 'Complete' | 'Failed',
  limit: number | undefined | null,
): JobObject[] {
  if (limit === undefined || limit === null) return [];
  const finished = jobs.filter((j) => finishedCondition(j)?.type === type);
  const excess = finished.length - limit;
  return excess > 0 ? [...finished].sort(byStartTime).slice(0, excess) : [];
}

export async function cleanupFinishedJobs(p: CronPass, jobs: readonly JobObject[]): Promise<void> {
  const spec = p.cj.spec;
  const doomed = [
    ...jobsBeyondLimit(jobs, 'Complete', spec?.successfulJobsHistoryLimit),
    ...jobsBeyondLimit(jobs, 'Failed', spec?.failedJobsHistoryLimit),
  ];
  for (const job of doomed) await deleteJob(p, job);
}
