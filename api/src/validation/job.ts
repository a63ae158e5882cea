/**
 * Jobs and CronJobs.
 */
import type { CronJob, CronJobSpec, Job, JobSpec } from 'kubernetes-types/batch/v1.js';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { selectorFromLabelSelector } from '../labels/label-selector.ts';
import { validateImmutable, validateLabelSelector, validateNonNegative } from './common.ts';
import { cronScheduleProblem } from './cron-schedule.ts';
import { invalid, notSupported, required, type FieldError } from './field-error.ts';
import { clone, isSet, shape, str } from './helpers.ts';
import { child } from './path.ts';
import { validatePodTemplateSpec } from './pod.ts';
import { validateTemplateMatches } from './workload-template.ts';

export const indexedJobParallelismMax = 100000;
/** A CronJob's name plus the 11-character suffix of its Jobs must fit a DNS label. */
export const cronJobNameCharsMax = 52;

function validateCompletionMode(spec: JobSpec, path: string): FieldError[] {
  const mode = spec.completionMode;
  if (!isSet(mode)) return [];
  if (mode !== 'NonIndexed' && mode !== 'Indexed') {
    return [notSupported(child(path, 'completionMode'), mode, ['NonIndexed', 'Indexed'])];
  }
  if (mode !== 'Indexed') return [];
  const errs: FieldError[] = [];
  if (!isSet(spec.completions)) {
    errs.push(required(child(path, 'completions'), 'when completion mode is Indexed'));
  }
  if (typeof spec.parallelism === 'number' && spec.parallelism > indexedJobParallelismMax) {
    errs.push(
      invalid(
        child(path, 'parallelism'),
        spec.parallelism,
        `must be less than or equal to ${indexedJobParallelismMax} when completion mode is Indexed`,
      ),
    );
  }
  return errs;
}

export function validateJobSpec(raw: JobSpec | undefined, path: string): FieldError[] {
  const spec = shape<JobSpec>(raw);
  const errs: FieldError[] = [];
  for (const f of [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'ttlSecondsAfterFinished',
  ] as const) {
    errs.push(...validateNonNegative(spec[f], child(path, f)));
  }
  errs.push(...validateCompletionMode(spec, path));
  if (spec.selector) {
    const selErrs = validateLabelSelector(spec.selector, child(path, 'selector'));
    errs.push(...selErrs);
    if (!selErrs.length) {
      const sel = selectorFromLabelSelector(spec.selector);
      errs.push(...validateTemplateMatches(sel, spec.template, child(path, 'template')));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template, child(path, 'template')));
  const restart = shape<PodSpec>(spec.template?.spec).restartPolicy;
  if (restart !== 'OnFailure' && restart !== 'Never') {
    errs.push(
      notSupported(child(path, 'template', 'spec', 'restartPolicy'), restart ?? '', [
        'OnFailure',
        'Never',
      ]),
    );
  }
  return errs;
}

export function validateJob(job: Job): FieldError[] {
  return validateJobSpec(job.spec, 'spec');
}

/** Scheduling directives of a suspended, never-started Job may still be edited. */
const mutableWhileSuspended = [
  'nodeSelector',
  'affinity',
  'tolerations',
  'schedulingGates',
] as const;

function templateForComparison(job: Job, old: Job): unknown {
  const tpl = clone(shape<NonNullable<JobSpec['template']>>(job.spec?.template));
  const oldTpl = shape<NonNullable<JobSpec['template']>>(old.spec?.template);
  if (old.spec?.suspend === true && !isSet(old.status?.startTime)) {
    tpl.metadata = {
      ...tpl.metadata,
      labels: oldTpl.metadata?.labels,
      annotations: oldTpl.metadata?.annotations,
    };
    const spec = shape<Record<string, unknown>>(tpl.spec);
    const oldSpec = shape<Record<string, unknown>>(oldTpl.spec);
    for (const f of mutableWhileSuspended) spec[f] = oldSpec[f];
    tpl.spec = shape<PodSpec>(spec);
  }
  return tpl;
}

export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  const next = shape<JobSpec>(job.spec);
  const prev = shape<JobSpec>(old.spec);
  const errs = [
    ...validateImmutable(next.completions, prev.completions, 'spec.completions'),
    ...validateImmutable(next.selector, prev.selector, 'spec.selector'),
    ...validateImmutable(next.completionMode, prev.completionMode, 'spec.completionMode'),
    ...validateImmutable(next.podFailurePolicy, prev.podFailurePolicy, 'spec.podFailurePolicy'),
  ];
  if (isSet(prev.template)) {
    errs.push(
      ...validateImmutable(templateForComparison(job, old), prev.template, 'spec.template'),
    );
  }
  return errs;
}

function validateTimeZone(tz: unknown, path: string): FieldError[] {
  if (!isSet(tz)) return [];
  if (typeof tz !== 'string' || tz === '') {
    return [invalid(path, tz, 'timeZone must be nil or non-empty string')];
  }
  if (tz.toLowerCase() === 'local') {
    return [
      invalid(
        path,
        tz,
        'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
      ),
    ];
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    return [invalid(path, tz, `unknown time zone ${tz}`)];
  }
  return [];
}

function validateSchedule(schedule: string, oldSchedule: string | undefined): FieldError[] {
  const path = 'spec.schedule';
  if (!schedule) return [required(path)];
  const errs: FieldError[] = [];
  const problem = cronScheduleProblem(schedule);
  if (problem) errs.push(invalid(path, schedule, problem));
  // Schedules stored before the rule may keep their TZ=; new ones must use spec.timeZone.
  if (schedule.includes('TZ') && !(oldSchedule ?? '').includes('TZ')) {
    errs.push(
      invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'),
    );
  }
  return errs;
}

export function validateCronJob(cj: CronJob, old?: CronJob): FieldError[] {
  const spec = shape<CronJobSpec>(cj.spec);
  const errs: FieldError[] = [];
  const name = str(cj.metadata?.name);
  if (name.length > cronJobNameCharsMax) {
    errs.push(
      invalid('metadata.name', name, `must be no more than ${cronJobNameCharsMax} characters`),
    );
  }
  errs.push(...validateSchedule(str(spec.schedule), old?.spec?.schedule));
  if (!old || old.spec?.timeZone !== spec.timeZone)
    errs.push(...validateTimeZone(spec.timeZone, 'spec.timeZone'));
  const policy = spec.concurrencyPolicy;
  if (!policy) errs.push(required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(policy)) {
    errs.push(notSupported('spec.concurrencyPolicy', policy, ['Allow', 'Forbid', 'Replace']));
  }
  for (const f of [
    'startingDeadlineSeconds',
    'successfulJobsHistoryLimit',
    'failedJobsHistoryLimit',
  ] as const) {
    errs.push(...validateNonNegative(spec[f], `spec.${f}`));
  }
  const jobSpec = spec.jobTemplate?.spec;
  errs.push(...validateJobSpec(jobSpec, 'spec.jobTemplate.spec'));
  if (isSet(jobSpec?.selector)) {
    errs.push(
      invalid(
        'spec.jobTemplate.spec.selector',
        jobSpec?.selector,
        '`selector` will be auto-generated',
      ),
    );
  }
  if (jobSpec?.manualSelector === true) {
    errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  }
  return errs;
}
