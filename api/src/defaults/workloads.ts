/**
 * Defaults for apps/v1 and batch/v1 workloads.
 */
import { child, existing, fill, isObj, type Obj } from './fill.ts';
import { defaultPodTemplate } from './pod.ts';

export const defaultRevisionHistoryLimit = 10;
export const defaultProgressDeadlineSeconds = 600;
export const defaultBackoffLimit = 6;
export const int32Max = 2147483647;

export function defaultDeployment(d: Obj): void {
  const spec = child(d, 'spec');
  if (!spec) return;
  fill(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  if (strategy) {
    fill(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) {
        fill(ru, 'maxUnavailable', '25%');
        fill(ru, 'maxSurge', '25%');
      }
    }
  }
  fill(spec, 'revisionHistoryLimit', defaultRevisionHistoryLimit);
  fill(spec, 'progressDeadlineSeconds', defaultProgressDeadlineSeconds);
  defaultPodTemplate(existing(spec, 'template'));
}

export function defaultReplicaSet(rs: Obj): void {
  const spec = child(rs, 'spec');
  if (!spec) return;
  fill(spec, 'replicas', 1);
  defaultPodTemplate(existing(spec, 'template'));
}

export function defaultDaemonSet(ds: Obj): void {
  const spec = child(ds, 'spec');
  if (!spec) return;
  const strategy = child(spec, 'updateStrategy');
  if (strategy) {
    fill(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) {
        fill(ru, 'maxUnavailable', 1);
        fill(ru, 'maxSurge', 0);
      }
    }
  }
  fill(spec, 'revisionHistoryLimit', defaultRevisionHistoryLimit);
  defaultPodTemplate(existing(spec, 'template'));
}

export function defaultStatefulSet(sts: Obj): void {
  const spec = child(sts, 'spec');
  if (!spec) return;
  fill(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = child(spec, 'updateStrategy');
  if (strategy && !strategy.type) {
    strategy.type = 'RollingUpdate';
    fill(strategy, 'rollingUpdate', {});
  }
  const ru = existing(strategy, 'rollingUpdate');
  if (strategy?.type === 'RollingUpdate' && ru) fill(ru, 'partition', 0);
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    fill(retention, 'whenDeleted', 'Retain');
    fill(retention, 'whenScaled', 'Retain');
  }
  fill(spec, 'replicas', 1);
  fill(spec, 'revisionHistoryLimit', defaultRevisionHistoryLimit);
  defaultPodTemplate(existing(spec, 'template'));
}

export function defaultJob(job: Obj): void {
  const spec = child(job, 'spec');
  if (!spec) return;
  // A job with neither set is one pod run once.
  if (spec.completions == null && spec.parallelism == null) spec.completions = 1;
  fill(spec, 'parallelism', 1);
  fill(spec, 'backoffLimit', spec.backoffLimitPerIndex == null ? defaultBackoffLimit : int32Max);
  fill(spec, 'completionMode', 'NonIndexed');
  fill(spec, 'suspend', false);
  fill(
    spec,
    'podReplacementPolicy',
    spec.podFailurePolicy == null ? 'TerminatingOrFailed' : 'Failed',
  );
  const template = existing(spec, 'template');
  const templateLabels = existing(existing(template, 'metadata'), 'labels');
  const meta = child(job, 'metadata');
  if (meta && templateLabels && (!isObj(meta.labels) || Object.keys(meta.labels).length === 0)) {
    meta.labels = { ...templateLabels };
  }
  defaultPodTemplate(template);
}

export function defaultCronJob(cj: Obj): void {
  const spec = child(cj, 'spec');
  if (!spec) return;
  fill(spec, 'concurrencyPolicy', 'Allow');
  fill(spec, 'suspend', false);
  fill(spec, 'successfulJobsHistoryLimit', 3);
  fill(spec, 'failedJobsHistoryLimit', 1);
  defaultPodTemplate(existing(existing(existing(spec, 'jobTemplate'), 'spec'), 'template'));
}
