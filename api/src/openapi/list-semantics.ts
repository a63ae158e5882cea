/**
 * How the lists of the built-in kinds merge. The kubernetes-types declarations that
 * `scripts/gen-openapi.ts` reads carry the docs but not the Go struct tags, so the generator
 * adds these to the definitions as `x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`,
 * `x-kubernetes-list-type` and `x-kubernetes-list-map-keys`.
 *
 * They matter: once our OpenAPI v3 advertises `application/strategic-merge-patch+json`, kubectl
 * apply computes its three-way patch from these schemas instead of its compiled-in types. A list
 * without its merge key is diffed as a whole, so a container removed from a manifest would stay
 * on the server. The generator fails on an entry that names no such property.
 */
export interface ListSemantics {
  readonly patchStrategy?: string;
  readonly patchMergeKey?: string;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
}

type Table = Readonly<Record<string, Readonly<Record<string, ListSemantics>>>>;

const byName: ListSemantics = {
  patchStrategy: 'merge',
  patchMergeKey: 'name',
  listType: 'map',
  listMapKeys: ['name'],
};
const byNameRetainKeys: ListSemantics = { ...byName, patchStrategy: 'merge,retainKeys' };
const byType: ListSemantics = {
  patchStrategy: 'merge',
  patchMergeKey: 'type',
  listType: 'map',
  listMapKeys: ['type'],
};
const atomic: ListSemantics = { listType: 'atomic' };

const containerLists: Readonly<Record<string, ListSemantics>> = {
  ports: {
    patchStrategy: 'merge',
    patchMergeKey: 'containerPort',
    listType: 'map',
    listMapKeys: ['containerPort', 'protocol'],
  },
  env: byName,
  volumeMounts: {
    patchStrategy: 'merge',
    patchMergeKey: 'mountPath',
    listType: 'map',
    listMapKeys: ['mountPath'],
  },
  volumeDevices: {
    patchStrategy: 'merge',
    patchMergeKey: 'devicePath',
    listType: 'map',
    listMapKeys: ['devicePath'],
  },
  envFrom: atomic,
  command: atomic,
  args: atomic,
  resizePolicy: atomic,
};

const core = 'io.k8s.api.core.v1';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const LIST_SEMANTICS: Table = {
  [`${meta}.ObjectMeta`]: {
    finalizers: { patchStrategy: 'merge', listType: 'set' },
    ownerReferences: {
      patchStrategy: 'merge',
      patchMergeKey: 'uid',
      listType: 'map',
      listMapKeys: ['uid'],
    },
    managedFields: atomic,
  },
  [`${meta}.LabelSelector`]: { matchExpressions: atomic },
  [`${meta}.LabelSelectorRequirement`]: { values: atomic },
  [`${core}.PodSpec`]: {
    volumes: byNameRetainKeys,
    initContainers: byName,
    containers: byName,
    ephemeralContainers: byName,
    imagePullSecrets: byName,
    hostAliases: {
      patchStrategy: 'merge',
      patchMergeKey: 'ip',
      listType: 'map',
      listMapKeys: ['ip'],
    },
    topologySpreadConstraints: {
      patchStrategy: 'merge',
      patchMergeKey: 'topologyKey',
      listType: 'map',
      listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
    },
    schedulingGates: byName,
    resourceClaims: byNameRetainKeys,
    tolerations: atomic,
    readinessGates: atomic,
  },
  [`${core}.Container`]: containerLists,
  [`${core}.EphemeralContainer`]: containerLists,
  [`${core}.ContainerStatus`]: {
    volumeMounts: {
      patchStrategy: 'merge',
      patchMergeKey: 'mountPath',
      listType: 'map',
      listMapKeys: ['mountPath'],
    },
  },
  [`${core}.PodStatus`]: {
    conditions: byType,
    podIPs: { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'map', listMapKeys: ['ip'] },
    hostIPs: { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic' },
    resourceClaimStatuses: byNameRetainKeys,
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
  },
  [`${core}.PodSecurityContext`]: { supplementalGroups: atomic, sysctls: atomic },
  [`${core}.ResourceRequirements`]: { claims: { listType: 'map', listMapKeys: ['name'] } },
  [`${core}.NodeSpec`]: { podCIDRs: { patchStrategy: 'merge', listType: 'set' }, taints: atomic },
  [`${core}.NodeStatus`]: {
    conditions: byType,
    addresses: byType,
    volumesAttached: atomic,
    volumesInUse: atomic,
    images: atomic,
  },
  [`${core}.ServiceSpec`]: {
    ports: {
      patchStrategy: 'merge',
      patchMergeKey: 'port',
      listType: 'map',
      listMapKeys: ['port', 'protocol'],
    },
    clusterIPs: atomic,
    externalIPs: atomic,
    ipFamilies: atomic,
  },
  [`${core}.ServiceStatus`]: { conditions: byType },
  [`${core}.NamespaceStatus`]: { conditions: byType },
  [`${core}.ServiceAccount`]: { secrets: byName, imagePullSecrets: atomic },
  [`${core}.Endpoints`]: { subsets: atomic },
  [`${core}.EndpointSubset`]: { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  'io.k8s.api.apps.v1.DeploymentSpec': { strategy: { patchStrategy: 'retainKeys' } },
  'io.k8s.api.apps.v1.DeploymentStatus': { conditions: byType },
  'io.k8s.api.apps.v1.ReplicaSetStatus': { conditions: byType },
  'io.k8s.api.apps.v1.DaemonSetStatus': { conditions: byType },
  'io.k8s.api.apps.v1.StatefulSetStatus': { conditions: byType },
  'io.k8s.api.apps.v1.StatefulSetSpec': { volumeClaimTemplates: atomic },
  'io.k8s.api.batch.v1.JobStatus': {
    conditions: { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.CronJobStatus': { active: atomic },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': { conditions: byType },
  'io.k8s.api.rbac.v1.Role': { rules: atomic },
  'io.k8s.api.rbac.v1.ClusterRole': { rules: atomic },
  'io.k8s.api.rbac.v1.RoleBinding': { subjects: atomic },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { subjects: atomic },
  'io.k8s.api.rbac.v1.PolicyRule': {
    verbs: atomic,
    apiGroups: atomic,
    resources: atomic,
    resourceNames: atomic,
    nonResourceURLs: atomic,
  },
};
