/**
 * Which root type of the patch metadata tables each built-in kind uses.
 *
 *   const slot = slotForKind({ apiVersion: 'apps/v1', kind: 'Deployment' });
 */
import { CLUSTER } from './cluster.ts';
import { CORE_V1 } from './core-v1.ts';
import { CORE_V1_POD } from './core-v1-pod.ts';
import { META_V1 } from './meta-v1.ts';
import { rootSlot, type Slot, type TypeTable } from './schema.ts';
import { WORKLOADS } from './workloads.ts';

export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

export const BUILTIN_TYPES: TypeTable = {
  ...META_V1,
  ...CORE_V1_POD,
  ...CORE_V1,
  ...WORKLOADS,
  ...CLUSTER,
};

const GROUP_KINDS: Readonly<Record<string, readonly string[]>> = {
  v1: [
    'Pod',
    'Node',
    'Namespace',
    'Service',
    'Endpoints',
    'ConfigMap',
    'Secret',
    'Event',
    'ServiceAccount',
  ],
  'apps/v1': ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ControllerRevision'],
  'batch/v1': ['Job', 'CronJob'],
  'coordination.k8s.io/v1': ['Lease'],
  'networking.k8s.io/v1': ['NetworkPolicy'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'policy/v1': ['PodDisruptionBudget'],
  'rbac.authorization.k8s.io/v1': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
};

/** The slot of a whole object of `ref`'s kind, or `undefined` for a kind we have no table for. */
export function slotForKind(ref: KindRef): Slot | undefined {
  const kinds = GROUP_KINDS[ref.apiVersion];
  return kinds?.includes(ref.kind) ? rootSlot(BUILTIN_TYPES, ref.kind) : undefined;
}
