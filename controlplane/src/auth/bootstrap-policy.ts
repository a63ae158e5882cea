/**
 * The roles and bindings a new cluster starts with, after upstream's bootstrap policy, trimmed to
 * the resources Wisp serves. admin, edit and view are written out in full because aggregationRule
 * is not evaluated.
 */
import type { KubeObject } from '@wisp/api/meta.ts';
import type { PolicyRule } from 'kubernetes-types/rbac/v1.js';
import { rbacGroup } from './rbac.ts';
import { tokenRolePolicy } from './token-roles.ts';
import { authenticatedGroup, mastersGroup, unauthenticatedGroup } from './user-info.ts';

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const readWrite = [...read, ...write];

function rule(verbs: string[], apiGroups: string[], resources: string[]): PolicyRule {
  return { verbs, apiGroups, resources };
}

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs, nonResourceURLs };
}

const viewRules: PolicyRule[] = [
  rule(read, [''], ['configmaps', 'endpoints', 'events', 'pods', 'serviceaccounts', 'services']),
  rule(read, [''], ['namespaces', 'namespaces/status', 'pods/log', 'pods/status']),
  rule(read, [''], ['services/status']),
  rule(
    read,
    ['apps'],
    [
      'controllerrevisions',
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
    ],
  ),
  rule(read, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
  rule(read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
];

const podAccess = ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'];

// Since Kubernetes 1.22 edit and admin no longer write Endpoints (CVE-2021-25740); nor do we.
const editRules: PolicyRule[] = [
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(write, [''], ['pods', ...podAccess]),
  rule(['create'], [''], ['pods/eviction']),
  rule(write, [''], ['configmaps', 'events', 'secrets', 'serviceaccounts', 'services']),
  rule(read, [''], [...podAccess, 'secrets', 'services/proxy']),
  rule(
    write,
    ['apps'],
    [
      'daemonsets',
      'deployments',
      'deployments/rollback',
      'deployments/scale',
      'replicasets',
      'replicasets/scale',
      'statefulsets',
      'statefulsets/scale',
    ],
  ),
  rule(write, ['batch'], ['cronjobs', 'jobs']),
  rule(write, ['policy'], ['poddisruptionbudgets']),
];

const adminRules: PolicyRule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule(readWrite, [rbacGroup], ['rolebindings', 'roles']),
];

const discoveryURLs = ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*'];
const publicInfoURLs = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

function clusterRole(name: string, rules: PolicyRule[]): KubeObject {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRole',
    metadata: {
      name,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    rules,
  };
}

function bindToGroups(role: string, groups: string[]): KubeObject {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: {
      name: role,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role },
    subjects: groups.map((name) => ({ apiGroup: rbacGroup, kind: 'Group', name })),
  };
}

export function bootstrapPolicy(): KubeObject[] {
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    clusterRole('admin', [...viewRules, ...editRules, ...adminRules]),
    clusterRole('edit', [...viewRules, ...editRules]),
    clusterRole('view', viewRules),
    clusterRole('system:basic-user', [
      rule(
        ['create'],
        ['authorization.k8s.io'],
        ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      ),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    clusterRole('system:discovery', [urls(['get'], [...discoveryURLs, ...publicInfoURLs])]),
    clusterRole('system:public-info-viewer', [urls(['get'], publicInfoURLs)]),
    bindToGroups('cluster-admin', [mastersGroup]),
    bindToGroups('system:basic-user', [authenticatedGroup]),
    bindToGroups('system:discovery', [authenticatedGroup]),
    bindToGroups('system:public-info-viewer', [authenticatedGroup, unauthenticatedGroup]),
    ...tokenRolePolicy(),
  ];
}
