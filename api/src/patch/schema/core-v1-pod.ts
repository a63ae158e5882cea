/**
 * Patch metadata of core/v1 Pod and the types a pod template reaches.
 */
import { atomicMap, atomicStruct, keyed, typed } from './builders.ts';
import type { TypeTable } from './schema.ts';

export const CORE_V1_POD: TypeTable = {
  Pod: {
    fields: { metadata: typed('ObjectMeta'), spec: typed('PodSpec'), status: typed('PodStatus') },
  },
  PodTemplateSpec: { fields: { metadata: typed('ObjectMeta'), spec: typed('PodSpec') } },
  PodSpec: {
    fields: {
      volumes: keyed('Volume', 'name', { patchStrategy: 'merge,retainKeys' }),
      initContainers: keyed('Container', 'name'),
      containers: keyed('Container', 'name'),
      // EphemeralContainer has the same list fields as Container.
      ephemeralContainers: keyed('Container', 'name'),
      imagePullSecrets: keyed('LocalObjectReference', 'name'),
      nodeSelector: atomicMap,
      affinity: typed('Affinity'),
      hostAliases: keyed(undefined, 'ip'),
      topologySpreadConstraints: keyed('TopologySpreadConstraint', 'topologyKey', {
        listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
      }),
      schedulingGates: keyed(undefined, 'name'),
      resourceClaims: keyed(undefined, 'name', { patchStrategy: 'merge,retainKeys' }),
      resources: typed('ResourceRequirements'),
    },
  },
  Container: {
    fields: {
      // Strategic merge keys ports by containerPort alone (kubernetes#108255); apply adds protocol.
      ports: keyed('ContainerPort', 'containerPort', {
        listMapKeys: ['containerPort', 'protocol'],
      }),
      env: keyed('EnvVar', 'name'),
      volumeMounts: keyed(undefined, 'mountPath'),
      volumeDevices: keyed(undefined, 'devicePath'),
      resources: typed('ResourceRequirements'),
    },
  },
  ContainerPort: { defaults: { protocol: 'TCP' } },
  EnvVar: { fields: { valueFrom: typed('EnvVarSource') } },
  EnvVarSource: {
    fields: {
      fieldRef: typed('ObjectFieldSelector'),
      resourceFieldRef: typed('ResourceFieldSelector'),
      configMapKeyRef: typed('ConfigMapKeySelector'),
      secretKeyRef: typed('SecretKeySelector'),
      fileKeyRef: typed('FileKeySelector'),
    },
  },
  ObjectFieldSelector: atomicStruct,
  ResourceFieldSelector: atomicStruct,
  ConfigMapKeySelector: atomicStruct,
  SecretKeySelector: atomicStruct,
  FileKeySelector: atomicStruct,
  LocalObjectReference: atomicStruct,
  TypedLocalObjectReference: atomicStruct,
  NodeSelector: atomicStruct,
  ResourceRequirements: {
    fields: { claims: { listType: 'map', listMapKeys: ['name'] } },
  },
  Affinity: { fields: { nodeAffinity: typed('NodeAffinity') } },
  NodeAffinity: {
    fields: { requiredDuringSchedulingIgnoredDuringExecution: typed('NodeSelector') },
  },
  TopologySpreadConstraint: { fields: { labelSelector: typed('LabelSelector') } },
  Volume: {
    fields: {
      csi: typed('CSIVolumeSource'),
      ephemeral: typed('EphemeralVolumeSource'),
      cephfs: typed('VolumeSourceWithSecretRef'),
      cinder: typed('VolumeSourceWithSecretRef'),
      flexVolume: typed('VolumeSourceWithSecretRef'),
      iscsi: typed('VolumeSourceWithSecretRef'),
      rbd: typed('VolumeSourceWithSecretRef'),
      scaleIO: typed('VolumeSourceWithSecretRef'),
      storageos: typed('VolumeSourceWithSecretRef'),
    },
  },
  /** The volume sources whose only special field is `secretRef`. */
  VolumeSourceWithSecretRef: { fields: { secretRef: typed('LocalObjectReference') } },
  CSIVolumeSource: { fields: { nodePublishSecretRef: typed('LocalObjectReference') } },
  EphemeralVolumeSource: {
    fields: { volumeClaimTemplate: typed('PersistentVolumeClaimTemplate') },
  },
  PersistentVolumeClaimTemplate: {
    fields: { metadata: typed('ObjectMeta'), spec: typed('PersistentVolumeClaimSpec') },
  },
  PersistentVolumeClaimSpec: {
    fields: { selector: typed('LabelSelector'), dataSource: typed('TypedLocalObjectReference') },
  },
  PodStatus: {
    fields: {
      conditions: keyed(undefined, 'type'),
      // Merged by ip in a strategic merge patch, yet atomic for server-side apply.
      hostIPs: keyed(undefined, 'ip', { listType: 'atomic', listMapKeys: undefined }),
      podIPs: keyed(undefined, 'ip'),
      resourceClaimStatuses: keyed(undefined, 'name', { patchStrategy: 'merge,retainKeys' }),
      resources: typed('ResourceRequirements'),
    },
  },
};
