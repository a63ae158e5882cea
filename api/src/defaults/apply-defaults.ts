/**
 * `applyDefaults(info, obj)` fills in what Kubernetes fills in before validation and storage,
 * mutating `obj` (which the caller has already copied).
 *
 *   const obj = structuredClone(body);
 *   applyDefaults(info, obj);
 *   const errs = validate(info, obj);
 */
import type { KubeObject } from '../meta.ts';
import type { ResourceInfo } from '../resources.ts';
import {
  defaultEndpoints,
  defaultNamespace,
  defaultNode,
  defaultRoleBinding,
  defaultRuntimeClass,
  defaultSecret,
  defaultService,
} from './core.ts';
import type { Obj } from './fill.ts';
import { defaultPod, defaultPodTemplate } from './pod.ts';
import {
  defaultCronJob,
  defaultDaemonSet,
  defaultDeployment,
  defaultJob,
  defaultReplicaSet,
  defaultStatefulSet,
} from './workloads.ts';

const rbac = 'rbac.authorization.k8s.io';

const defaulters: Record<string, (obj: Obj) => void> = {
  '/Pod': defaultPod,
  '/PodTemplate': (t) => defaultPodTemplate(t.template as Obj | undefined),
  '/Service': defaultService,
  '/Secret': defaultSecret,
  '/Namespace': defaultNamespace,
  '/Node': defaultNode,
  '/Endpoints': defaultEndpoints,
  'apps/Deployment': defaultDeployment,
  'apps/ReplicaSet': defaultReplicaSet,
  'apps/DaemonSet': defaultDaemonSet,
  'apps/StatefulSet': defaultStatefulSet,
  'batch/Job': defaultJob,
  'batch/CronJob': defaultCronJob,
  'node.k8s.io/RuntimeClass': defaultRuntimeClass,
  [`${rbac}/RoleBinding`]: defaultRoleBinding,
  [`${rbac}/ClusterRoleBinding`]: defaultRoleBinding,
};

export function applyDefaults(info: Pick<ResourceInfo, 'group' | 'kind'>, obj: KubeObject): void {
  defaulters[`${info.group}/${info.kind}`]?.(obj as Obj);
}
