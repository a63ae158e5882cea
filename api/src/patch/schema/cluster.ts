/**
 * Patch metadata of the coordination, node, policy and RBAC kinds.
 */
import { atomicMap, atomicStruct, keyed, typed } from './builders.ts';
import type { TypeTable } from './schema.ts';

const metadataOnly = { fields: { metadata: typed('ObjectMeta') } };
const binding = { fields: { metadata: typed('ObjectMeta'), roleRef: typed('RoleRef') } };

export const CLUSTER: TypeTable = {
  Lease: metadataOnly,
  RuntimeClass: { fields: { metadata: typed('ObjectMeta'), scheduling: typed('Scheduling') } },
  // Its lists (ingress, egress, policyTypes) carry no patch strategy upstream: replaced whole.
  NetworkPolicy: { fields: { metadata: typed('ObjectMeta') } },
  Scheduling: { fields: { nodeSelector: atomicMap } },
  PodDisruptionBudget: {
    fields: {
      metadata: typed('ObjectMeta'),
      spec: typed('PodDisruptionBudgetSpec'),
      status: typed('PodDisruptionBudgetStatus'),
    },
  },
  PodDisruptionBudgetSpec: {
    fields: { selector: typed('LabelSelector', { patchStrategy: 'replace' }) },
  },
  PodDisruptionBudgetStatus: { fields: { conditions: keyed('Condition', 'type') } },
  // Role rules and binding subjects are atomic lists: the defaults.
  Role: metadataOnly,
  ClusterRole: metadataOnly,
  RoleBinding: binding,
  ClusterRoleBinding: binding,
  RoleRef: atomicStruct,
};
