/**
 * A Job's pods: built from the template with a tracking finalizer, so a pod that finishes is
 * counted exactly once even if it is deleted before the controller sees it (the controller
 * records its uid in `status.uncountedTerminatedPods`, then removes the finalizer, then moves
 * the uid into `succeeded` or `failed`).
 */
import type { PodObject } from '../replicaset/pod-conditions.ts';
import { podFromTemplate } from '../replicaset/pod-from-template.ts';
import type { JobObject } from './job-labels.ts';
import { podLabels } from './job-labels.ts';

export const JOB_KIND = { apiVersion: 'batch/v1', kind: 'Job' } as const;
export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

export function newJobPod(job: JobObject): PodObject {
  const pod = podFromTemplate(job.spec?.template, job, JOB_KIND) as PodObject;
  pod.metadata.labels = podLabels(job);
  pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), TRACKING_FINALIZER];
  return pod;
}

export function hasTrackingFinalizer(pod: PodObject): boolean {
  return pod.metadata.finalizers?.includes(TRACKING_FINALIZER) ?? false;
}

export function withoutTrackingFinalizer(pod: PodObject): void {
  const rest = (pod.metadata.finalizers ?? []).filter((f) => f !== TRACKING_FINALIZER);
  if (rest.length > 0) pod.metadata.finalizers = rest;
  else delete pod.metadata.finalizers;
}

/**
 * How a pod ended: `succeeded`, `failed` (including a pod deleted before it finished, which
 * never gets the chance to report Failed), or undefined while it still runs.
 */
export function podOutcome(pod: PodObject): 'succeeded' | 'failed' | undefined {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return 'succeeded';
  if (phase === 'Failed') return 'failed';
  return pod.metadata.deletionTimestamp ? 'failed' : undefined;
}

/**
 * Which pods to remove first when a Job has too many: unbound before bound, pending before
 * running, not ready before ready, then newest first (as upstream's ActivePods ranking).
 */
export function removalOrder(a: PodObject, b: PodObject): number {
  const rank = (p: PodObject): number[] => [
    p.spec?.nodeName ? 1 : 0,
    p.status?.phase === 'Pending' ? 0 : p.status?.phase === 'Running' ? 2 : 1,
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 1 : 0,
  ];
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta === tb ? 0 : ta > tb ? -1 : 1;
}
