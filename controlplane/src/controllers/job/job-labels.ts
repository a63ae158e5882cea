/**
 * The labels and selector a Job gets unless it sets `manualSelector: true`, as kube-apiserver's
 * job strategy generates them on create: `batch.kubernetes.io/controller-uid` (and `job-name`,
 * plus the legacy unprefixed pair) on the pod template, and a selector on the controller uid.
 * `jobSelectorAdmission` does this on the write path; the controller falls back to the same
 * selector for Jobs stored without one, so it works whether or not the plugin is installed.
 *
 *   createRegistry({}, { store, clock, random, admission: [jobSelectorAdmission] });
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '@wisp/api';
import type { AdmissionPlugin } from '../../registry/types.ts';

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

export type JobObject = KubeObject & Pick<Job, 'spec' | 'status'>;

/** The labels the apiserver puts on a Job's pod template (kept where the user set them). */
export function generatedLabels(job: KubeObject): Record<string, string> {
  const name = job.metadata.name ?? '';
  const uid = job.metadata.uid ?? '';
  return {
    [LEGACY_JOB_NAME_LABEL]: name,
    [JOB_NAME_LABEL]: name,
    [LEGACY_CONTROLLER_UID_LABEL]: uid,
    [CONTROLLER_UID_LABEL]: uid,
  };
}

/** Adds the generated template labels and selector, in place, as `generateSelector`. */
export function generateSelector(job: JobObject): void {
  if (!job.spec) return;
  const template = (job.spec.template ??= {});
  const metadata = (template.metadata ??= {});
  metadata.labels = { ...generatedLabels(job), ...metadata.labels };
  const selector = (job.spec.selector ??= {});
  selector.matchLabels ??= {};
  selector.matchLabels[CONTROLLER_UID_LABEL] ??= job.metadata.uid ?? '';
}

/** The selector the controller uses: the stored one, or the one the apiserver would generate. */
export function jobSelector(job: JobObject): LabelSelector {
  if (job.spec?.selector) return job.spec.selector;
  return { matchLabels: { [CONTROLLER_UID_LABEL]: job.metadata.uid ?? '' } };
}

/** Labels for a pod of `job`: the template's, plus the generated ones unless manual. */
export function podLabels(job: JobObject): Record<string, string> {
  const labels = { ...job.spec?.template?.metadata?.labels };
  if (job.spec?.manualSelector === true) return labels;
  return { ...generatedLabels(job), ...labels };
}

/** Generates Job selectors on create, before validation, as the job REST strategy does. */
export const jobSelectorAdmission: AdmissionPlugin = {
  name: 'JobSelector',
  admit(op, info, obj) {
    if (op !== 'CREATE' || info.group !== 'batch' || info.kind !== 'Job') return;
    const job = obj as JobObject;
    if (job.spec?.manualSelector !== true) generateSelector(job);
  },
};
