/**
 * The table of every resource the apiserver serves. Discovery, routing, OpenAPI, storage keys and
 * kubectl's short names all come from here, so a kind is added in one place.
 */
export type Verb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export type Subresource =
  'status' | 'scale' | 'log' | 'binding' | 'eviction' | 'ephemeralcontainers';

export interface ResourceInfo {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Lower-case plural, the URL segment: `pods`. */
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly Verb[];
  readonly subresources: readonly Subresource[];
  /** Only create is served (SelfSubjectAccessReview); nothing is stored. */
  readonly virtual?: boolean;
}

const ALL: readonly Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

function r(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<
    Pick<ResourceInfo, 'shortNames' | 'categories' | 'verbs' | 'subresources' | 'virtual'>
  > = {},
): ResourceInfo {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: extra.shortNames ?? [],
    categories: extra.categories ?? [],
    verbs: extra.verbs ?? ALL,
    subresources: extra.subresources ?? [],
    virtual: extra.virtual,
  };
}

const all = ['all'];

export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'v1', 'Namespace', 'namespaces', false, {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
  }),
  r('', 'v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    categories: all,
    subresources: ['status', 'log', 'binding', 'eviction'],
  }),
  r('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
  r('', 'v1', 'Service', 'services', true, {
    shortNames: ['svc'],
    categories: all,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
  }),
  r('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  r('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  r('', 'v1', 'Secret', 'secrets', true),
  r('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  r('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  r('apps', 'v1', 'Deployment', 'deployments', true, {
    shortNames: ['deploy'],
    categories: all,
    subresources: ['status', 'scale'],
  }),
  r('apps', 'v1', 'ReplicaSet', 'replicasets', true, {
    shortNames: ['rs'],
    categories: all,
    subresources: ['status', 'scale'],
  }),
  r('apps', 'v1', 'DaemonSet', 'daemonsets', true, {
    shortNames: ['ds'],
    categories: all,
    subresources: ['status'],
  }),
  r('apps', 'v1', 'StatefulSet', 'statefulsets', true, {
    shortNames: ['sts'],
    categories: all,
    subresources: ['status', 'scale'],
  }),
  r('apps', 'v1', 'ControllerRevision', 'controllerrevisions', true),
  r('batch', 'v1', 'Job', 'jobs', true, { categories: all, subresources: ['status'] }),
  r('batch', 'v1', 'CronJob', 'cronjobs', true, {
    shortNames: ['cj'],
    categories: all,
    subresources: ['status'],
  }),
  r('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  r('node.k8s.io', 'v1', 'RuntimeClass', 'runtimeclasses', false),
  r('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, {
    shortNames: ['netpol'],
  }),
  r('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, {
    shortNames: ['pdb'],
    subresources: ['status'],
  }),
  r('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  r('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  r('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, {
    verbs: ['create'],
    virtual: true,
  }),
];

export function apiVersionOf(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

const byPlural = new Map(RESOURCES.map((x) => [`${x.group}/${x.plural}`, x]));
const byKind = new Map(RESOURCES.map((x) => [`${apiVersionOf(x)}/${x.kind}`, x]));

export function findResource(group: string, plural: string): ResourceInfo | undefined {
  return byPlural.get(`${group}/${plural}`);
}

export function findKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}

/** The API groups in discovery order, each with its single served version. */
export function groups(): { name: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const x of RESOURCES) if (x.group && !seen.has(x.group)) seen.set(x.group, x.version);
  return [...seen].map(([name, version]) => ({ name, version }));
}

/** Storage key of one object: `/registry/<group>/<plural>/<ns>/<name>`. */
export function storageKey(
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
): string {
  return `${storagePrefix(info, namespace)}${name}`;
}

/** Prefix under which a resource's objects (optionally of one namespace) are stored. */
export function storagePrefix(info: ResourceInfo, namespace?: string): string {
  const g = info.group || 'core';
  const base = `/registry/${g}/${info.plural}/`;
  return info.namespaced && namespace ? `${base}${namespace}/` : base;
}
