/**
 * The entry point: every kind's rules, chosen by group and kind. Objects are validated as the
 * apiserver sees them after defaulting, so fields defaults fill in are required here.
 *
 *   const errs = validate(info, obj, old);
 *   if (errs.length) throw new InvalidError(invalidObjectMessage(info, name, errs));
 */
import type { KubeObject, ObjectMeta } from '../meta.ts';
import type { ResourceInfo } from '../resources.ts';
import {
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  type NameValidator,
} from '../names/object-names.ts';
import { validateNamespace, validateNode, validateNodeUpdate } from './cluster.ts';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateSecret,
  validateSecretUpdate,
} from './config-data.ts';
import { validateDaemonSet } from './daemon-set.ts';
import { validateDeployment, validateReplicaSet, validateSelectorUpdate } from './deployment.ts';
import { validateEndpoints } from './endpoints.ts';
import { validateEvent } from './event.ts';
import { invalidObjectMessage, type FieldError } from './field-error.ts';
import { shape } from './helpers.ts';
import { InvalidError } from './invalid-error.ts';
import { validateCronJob, validateJob, validateJobUpdate } from './job.ts';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateLease,
  validatePodDisruptionBudget,
  validateRuntimeClass,
  validateRuntimeClassUpdate,
} from './misc-kinds.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';
import { validateNetworkPolicy } from './network-policy.ts';
import { validatePod, validatePodUpdate } from './pod.ts';
import {
  validateBindingUpdate,
  validateClusterRole,
  validateClusterRoleBinding,
  validateRole,
  validateRoleBinding,
} from './rbac.ts';
import { validateService, validateServiceUpdate } from './service.ts';
import { validateStatefulSet, validateStatefulSetUpdate } from './stateful-set.ts';

/** Each kind's functions take that kind's kubernetes-types shape; `never` admits them all. */
type Check = (obj: never, old?: never) => FieldError[];
type UpdateCheck = (obj: never, old: never) => FieldError[];

interface KindRules {
  name: NameValidator;
  create?: Check;
  update?: UpdateCheck;
}

const rbac = 'rbac.authorization.k8s.io';

const rules: Record<string, KindRules> = {
  '/Namespace': { name: nameIsDNSLabel, create: validateNamespace },
  '/Pod': { name: nameIsDNSSubdomain, create: validatePod, update: validatePodUpdate },
  '/Node': { name: nameIsDNSSubdomain, create: validateNode, update: validateNodeUpdate },
  '/Service': { name: nameIsDNS1035Label, create: validateService, update: validateServiceUpdate },
  '/Endpoints': { name: nameIsDNSSubdomain, create: validateEndpoints },
  '/ConfigMap': {
    name: nameIsDNSSubdomain,
    create: validateConfigMap,
    update: validateConfigMapUpdate,
  },
  '/Secret': { name: nameIsDNSSubdomain, create: validateSecret, update: validateSecretUpdate },
  '/Event': { name: nameIsDNSSubdomain, create: validateEvent },
  '/ServiceAccount': { name: nameIsDNSSubdomain },
  'apps/Deployment': {
    name: nameIsDNSSubdomain,
    create: validateDeployment,
    update: validateSelectorUpdate,
  },
  'apps/ReplicaSet': {
    name: nameIsDNSSubdomain,
    create: validateReplicaSet,
    update: validateSelectorUpdate,
  },
  'apps/DaemonSet': {
    name: nameIsDNSSubdomain,
    create: validateDaemonSet,
    update: validateSelectorUpdate,
  },
  'apps/StatefulSet': {
    name: nameIsDNSSubdomain,
    create: validateStatefulSet,
    update: validateStatefulSetUpdate,
  },
  'apps/ControllerRevision': {
    name: nameIsDNSSubdomain,
    create: validateControllerRevision,
    update: validateControllerRevisionUpdate,
  },
  'batch/Job': { name: nameIsDNSSubdomain, create: validateJob, update: validateJobUpdate },
  'batch/CronJob': { name: nameIsDNSSubdomain, create: validateCronJob },
  'coordination.k8s.io/Lease': { name: nameIsDNSSubdomain, create: validateLease },
  'node.k8s.io/RuntimeClass': {
    name: nameIsDNSSubdomain,
    create: validateRuntimeClass,
    update: validateRuntimeClassUpdate,
  },
  'policy/PodDisruptionBudget': { name: nameIsDNSSubdomain, create: validatePodDisruptionBudget },
  'networking.k8s.io/NetworkPolicy': { name: nameIsDNSSubdomain, create: validateNetworkPolicy },
  [`${rbac}/Role`]: { name: nameIsPathSegment, create: validateRole },
  [`${rbac}/ClusterRole`]: { name: nameIsPathSegment, create: validateClusterRole },
  [`${rbac}/RoleBinding`]: {
    name: nameIsPathSegment,
    create: validateRoleBinding,
    update: validateBindingUpdate,
  },
  [`${rbac}/ClusterRoleBinding`]: {
    name: nameIsPathSegment,
    create: validateClusterRoleBinding,
    update: validateBindingUpdate,
  },
};

/** The name rule for a kind's `metadata.name` (DNS subdomain for kinds without their own). */
export function nameValidatorFor(info: Pick<ResourceInfo, 'group' | 'kind'>): NameValidator {
  return rules[`${info.group}/${info.kind}`]?.name ?? nameIsDNSSubdomain;
}

/**
 * Every problem with `obj` as a `info` resource; with `old`, also what the update may not
 * change. Empty when the object is valid.
 */
export function validate(info: ResourceInfo, obj: KubeObject, old?: KubeObject): FieldError[] {
  // Virtual kinds (SelfSubjectAccessReview) are never stored and carry no name.
  if (info.virtual) return [];
  const kind = rules[`${info.group}/${info.kind}`];
  const meta = shape<ObjectMeta>(obj.metadata);
  const errs = validateObjectMeta(
    meta,
    info.namespaced,
    kind?.name ?? nameIsDNSSubdomain,
    'metadata',
  );
  if (old)
    errs.push(...validateObjectMetaUpdate(meta, shape<ObjectMeta>(old.metadata), 'metadata'));
  if (kind?.create) errs.push(...kind.create(obj as never, old as never));
  if (old && kind?.update) errs.push(...kind.update(obj as never, old as never));
  return errs;
}

/** `validate`, throwing one `InvalidError` worded as Kubernetes' `Invalid` Status. */
export function assertValid(info: ResourceInfo, obj: KubeObject, old?: KubeObject): void {
  const errs = validate(info, obj, old);
  if (errs.length === 0) return;
  const name = shape<ObjectMeta>(obj.metadata).name ?? '';
  throw new InvalidError(invalidObjectMessage(info, name, errs), { causes: errs });
}
