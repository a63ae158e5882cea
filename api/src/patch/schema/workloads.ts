/**
 * Patch metadata of the apps/v1 and batch/v1 kinds.
 */
import { keyed, typed } from './builders.ts';
import type { TypeSchema, TypeTable } from './schema.ts';

function kind(spec: string, status: string): TypeSchema {
  return { fields: { metadata: typed('ObjectMeta'), spec: typed(spec), status: typed(status) } };
}

const podControllerSpec: TypeSchema = {
  fields: { selector: typed('LabelSelector'), template: typed('PodTemplateSpec') },
};
const conditionsByType: TypeSchema = { fields: { conditions: keyed(undefined, 'type') } };

export const WORKLOADS: TypeTable = {
  Deployment: kind('DeploymentSpec', 'DeploymentStatus'),
  DeploymentSpec: {
    fields: {
      ...podControllerSpec.fields,
      // kubectl sends `$retainKeys` for it, so switching rollout type clears the old fields.
      strategy: { patchStrategy: 'retainKeys' },
    },
  },
  DeploymentStatus: conditionsByType,
  ReplicaSet: kind('ReplicaSetSpec', 'ReplicaSetStatus'),
  ReplicaSetSpec: podControllerSpec,
  ReplicaSetStatus: conditionsByType,
  DaemonSet: kind('DaemonSetSpec', 'DaemonSetStatus'),
  DaemonSetSpec: podControllerSpec,
  DaemonSetStatus: conditionsByType,
  StatefulSet: kind('StatefulSetSpec', 'StatefulSetStatus'),
  StatefulSetSpec: podControllerSpec,
  StatefulSetStatus: conditionsByType,
  ControllerRevision: { fields: { metadata: typed('ObjectMeta') } },
  Job: kind('JobSpec', 'JobStatus'),
  JobSpec: podControllerSpec,
  // Merged by type in a strategic merge patch, yet atomic for server-side apply.
  JobStatus: { fields: { conditions: keyed(undefined, 'type', { listType: 'atomic' }) } },
  CronJob: { fields: { metadata: typed('ObjectMeta'), spec: typed('CronJobSpec') } },
  CronJobSpec: { fields: { jobTemplate: typed('JobTemplateSpec') } },
  JobTemplateSpec: { fields: { metadata: typed('ObjectMeta'), spec: typed('JobSpec') } },
};
