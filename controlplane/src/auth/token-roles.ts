/**
 * The three roles a user token can be made for (`wisp user-token create --role view`), as the
 * groups the token carries. Each group is bound at bootstrap: `cluster-admin` is
 * `system:masters`; `edit` and `view` get upstream's namespaced roles plus `wisp:cluster-reader`,
 * since the dashboard and `kubectl get nodes` read cluster-scoped objects those roles leave out.
 *
 *   const { token } = await tokens.create({ user: 'ops', groups: tokenRoleGroups('view') });
 */
import type { KubeObject } from '@wisp/api/meta.ts';
import { TokenRequestError } from './errors.ts';
import { rbacGroup } from './rbac.ts';
import { mastersGroup } from './user-info.ts';

export const tokenRoles = ['cluster-admin', 'edit', 'view'] as const;
export type TokenRole = (typeof tokenRoles)[number];

export const editorsGroup = 'wisp:editors';
export const viewersGroup = 'wisp:viewers';
export const clusterReaderRole = 'wisp:cluster-reader';

export function parseTokenRole(value: string): TokenRole {
  const role = tokenRoles.find((r) => r === value);
  if (!role) {
    throw new TokenRequestError(`role: Unsupported value: "${value}": ${tokenRoles.join(', ')}`);
  }
  return role;
}

export function tokenRoleGroups(role: TokenRole): string[] {
  if (role === 'cluster-admin') return [mastersGroup];
  return [role === 'edit' ? editorsGroup : viewersGroup];
}

const labels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

function binding(name: string, role: string, group: string): KubeObject {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels },
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: rbacGroup, kind: 'Group', name: group }],
  };
}

/** The cluster-reader role and the bindings of the token groups; part of the bootstrap policy. */
export function tokenRolePolicy(): KubeObject[] {
  const read = ['get', 'list', 'watch'];
  return [
    {
      apiVersion: `${rbacGroup}/v1`,
      kind: 'ClusterRole',
      metadata: { name: clusterReaderRole, labels },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'nodes/status', 'namespaces'], verbs: read },
        { apiGroups: [''], resources: ['events'], verbs: read },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: read },
        { apiGroups: ['node.k8s.io'], resources: ['runtimeclasses'], verbs: read },
      ],
    },
    binding('wisp:viewers-view', 'view', viewersGroup),
    binding('wisp:viewers-cluster-reader', clusterReaderRole, viewersGroup),
    binding('wisp:editors-edit', 'edit', editorsGroup),
    binding('wisp:editors-cluster-reader', clusterReaderRole, editorsGroup),
  ];
}
