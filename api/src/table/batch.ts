/** Tables of batch/v1: jobs (STATUS COMPLETIONS DURATION) and cron jobs. */
import type { CronJob, Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '../meta.ts';
import { AGE, NAME, column, doc, workloadColumns } from './columns.ts';
import { containerCells, formatLabelSelector } from './format.ts';
import { humanDuration, since } from './human-duration.ts';
import type { Printer } from './types.ts';

const BATCH = 'io.k8s.api.batch.v1';

function has(conditions: JobCondition[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** The first that holds wins: a finished job stays Complete or Failed while it is deleted. */
export function jobStatus(job: Job): string {
  const conditions = job.status?.conditions;
  if (has(conditions, 'Complete')) return 'Complete';
  if (has(conditions, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (has(conditions, 'Suspended')) return 'Suspended';
  if (has(conditions, 'FailureTarget')) return 'FailureTarget';
  if (has(conditions, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function completions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function duration(job: Job, now: number): string {
  const start = Date.parse(job.status?.startTime ?? '');
  if (Number.isNaN(start)) return '';
  const end = Date.parse(job.status?.completionTime ?? '');
  return humanDuration((Number.isNaN(end) ? now : end) - start);
}

export const jobPrinter: Printer = {
  columns: [
    NAME,
    column('Status', 'Status of the job.'),
    column('Completions', 'The completion status of the job.'),
    column('Duration', 'Time required to complete the job.'),
    AGE,
    ...workloadColumns(doc(`${BATCH}.JobSpec`, 'selector')),
  ],
  row(obj: KubeObject, now: number) {
    const job = obj as unknown as Job;
    return {
      cells: [
        job.metadata?.name ?? '',
        jobStatus(job),
        completions(job),
        duration(job, now),
        since(job.metadata?.creationTimestamp, now),
        ...containerCells(job.spec?.template.spec?.containers),
        formatLabelSelector(job.spec?.selector),
      ],
    };
  },
};

function boolPointer(value: boolean | undefined): string {
  if (value === undefined || value === null) return '<unset>';
  return value ? 'True' : 'False';
}

export const cronJobPrinter: Printer = {
  columns: [
    NAME,
    column('Schedule', doc(`${BATCH}.CronJobSpec`, 'schedule')),
    column('Timezone', doc(`${BATCH}.CronJobSpec`, 'timeZone')),
    column('Suspend', doc(`${BATCH}.CronJobSpec`, 'suspend'), { type: 'boolean' }),
    column('Active', doc(`${BATCH}.CronJobStatus`, 'active'), { type: 'integer' }),
    column('Last Schedule', doc(`${BATCH}.CronJobStatus`, 'lastScheduleTime')),
    AGE,
    ...workloadColumns(doc(`${BATCH}.JobSpec`, 'selector')),
  ],
  row(obj: KubeObject, now: number) {
    const cj = obj as unknown as CronJob;
    const last = cj.status?.lastScheduleTime;
    const podSpec = cj.spec?.jobTemplate.spec?.template.spec;
    return {
      cells: [
        cj.metadata?.name ?? '',
        cj.spec?.schedule ?? '',
        cj.spec?.timeZone ?? '<none>',
        boolPointer(cj.spec?.suspend),
        (cj.status?.active ?? []).length,
        last ? since(last, now) : '<none>',
        since(cj.metadata?.creationTimestamp, now),
        ...containerCells(podSpec?.containers),
        formatLabelSelector(cj.spec?.jobTemplate.spec?.selector),
      ],
    };
  },
};
