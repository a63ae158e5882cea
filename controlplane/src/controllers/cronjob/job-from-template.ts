/**
 * The Job a CronJob starts for one scheduled time, as upstream's `getJobFromTemplate2`: named
 * `<cronjob>-<scheduled time in minutes since the epoch>`, so the same activation can never start
 * two Jobs, annotated with the scheduled time in the CronJob's zone, controlled by the CronJob.
 */
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '@wisp/api';
import { newControllerRef } from '../replicaset/controller-ref.ts';

export const CRONJOB_KIND = { apiVersion: 'batch/v1', kind: 'CronJob' } as const;
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export type CronJobObject = KubeObject & Pick<CronJob, 'spec' | 'status'>;

export function jobName(cj: KubeObject, scheduledMs: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduledMs / 60_000)}`;
}

export function jobFromTemplate(cj: CronJobObject, scheduledMs: number): KubeObject {
  const template = cj.spec?.jobTemplate;
  const tz = cj.spec?.timeZone ?? 'UTC';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(cj, scheduledMs),
      namespace: cj.metadata.namespace,
      labels: { ...template?.metadata?.labels },
      annotations: {
        ...template?.metadata?.annotations,
        [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339InZone(scheduledMs, tz),
      },
      ownerReferences: [newControllerRef(cj, CRONJOB_KIND)],
    },
    spec: structuredClone(template?.spec ?? {}),
  };
}

/** RFC 3339 with the zone's offset at that instant (`2025-01-01T09:00:00+01:00`, or `Z`). */
export function rfc3339InZone(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const offset = get('timeZoneName').replace(/^GMT/, '');
  // Go's RFC 3339 layout writes a zero offset as Z.
  const zone = offset === '' || offset === '+00:00' ? 'Z' : offset;
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  return `${date}T${get('hour')}:${get('minute')}:${get('second')}${zone}`;
}
