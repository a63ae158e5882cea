import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyRule, Subject } from 'kubernetes-types/rbac/v1.js';
import { createRbacAuthorizer } from './rbac.ts';
import { staticRbacSource } from './rbac-source.ts';
import type { UserInfo } from './user-info.ts';

const g = 'rbac.authorization.k8s.io';
const readPods: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };

const role = (kind: string, name: string, rules: PolicyRule[], namespace?: string) => ({
  apiVersion: `${g}/v1`,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  rules,
});

const binding = (
  kind: string,
  name: string,
  roleRef: { kind: string; name: string },
  subjects: Subject[],
  namespace?: string,
) => ({
  apiVersion: `${g}/v1`,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: g, ...roleRef },
  subjects,
});

const user = (name: string, ...groups: string[]): UserInfo => ({ name, groups });
const podsIn = (namespace: string, verb = 'get') => ({
  verb,
  apiGroup: '',
  resource: 'pods',
  namespace,
});

describe('createRbacAuthorizer', () => {
  const source = staticRbacSource([
    role('ClusterRole', 'pod-reader', [readPods]),
    role('Role', 'local-reader', [readPods], 'team'),
    role('ClusterRole', 'metrics', [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]),
    binding('ClusterRoleBinding', 'ops-read', { kind: 'ClusterRole', name: 'pod-reader' }, [
      { kind: 'Group', name: 'ops', apiGroup: g },
    ]),
    binding(
      'RoleBinding',
      'alice-team',
      { kind: 'Role', name: 'local-reader' },
      [{ kind: 'User', name: 'alice', apiGroup: g }],
      'team',
    ),
    binding(
      'RoleBinding',
      'sa-team',
      { kind: 'ClusterRole', name: 'pod-reader' },
      [{ kind: 'ServiceAccount', name: 'builder' }],
      'team',
    ),
    binding(
      'RoleBinding',
      'metrics-in-ns',
      { kind: 'ClusterRole', name: 'metrics' },
      [{ kind: 'User', name: 'alice', apiGroup: g }],
      'team',
    ),
    binding('ClusterRoleBinding', 'dangling', { kind: 'ClusterRole', name: 'gone' }, [
      { kind: 'User', name: 'dave', apiGroup: g },
    ]),
  ]);
  const rbac = createRbacAuthorizer({ source });

  it('allows a group member through a ClusterRoleBinding in every namespace', async () => {
    const d = await rbac.authorize(user('bob', 'ops'), podsIn('anywhere'));
    assert.deepEqual(d, {
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "ops-read" of ClusterRole "pod-reader" to Group "ops"',
    });
  });

  it('allows a user through a RoleBinding only in its namespace', async () => {
    const inTeam = await rbac.authorize(user('alice'), podsIn('team'));
    assert.equal(inTeam.allowed, true);
    assert.equal(
      inTeam.reason,
      'RBAC: allowed by RoleBinding "alice-team/team" of Role "local-reader" to User "alice"',
    );
    assert.equal((await rbac.authorize(user('alice'), podsIn('other'))).allowed, false);
  });

  it('does not let a RoleBinding grant cluster-scoped access', async () => {
    const d = await rbac.authorize(user('alice'), { verb: 'list', apiGroup: '', resource: 'pods' });
    assert.equal(d.allowed, false);
  });

  it('does not let a RoleBinding grant non-resource URLs', async () => {
    const d = await rbac.authorize(user('alice'), { verb: 'get', nonResourceURL: '/metrics' });
    assert.equal(d.allowed, false);
  });

  it('matches a ServiceAccount subject in the binding namespace by its user name', async () => {
    const sa = user('system:serviceaccount:team:builder', 'system:serviceaccounts');
    const d = await rbac.authorize(sa, podsIn('team', 'list'));
    assert.equal(d.allowed, true);
    assert.match(d.reason, /to ServiceAccount "builder\/team"$/);
    const elsewhere = user('system:serviceaccount:other:builder');
    assert.equal((await rbac.authorize(elsewhere, podsIn('team'))).allowed, false);
  });

  it('does not allow a verb no rule names', async () => {
    const d = await rbac.authorize(user('bob', 'ops'), podsIn('x', 'delete'));
    assert.deepEqual(d, { allowed: false, reason: '' });
  });

  it('names a missing role in the reason of a denial', async () => {
    const d = await rbac.authorize(user('dave'), podsIn('x'));
    assert.deepEqual(d, {
      allowed: false,
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
    });
  });

  it('always allows system:masters, even with no bindings', async () => {
    const empty = createRbacAuthorizer({ source: staticRbacSource([]) });
    const d = await empty.authorize(user('root', 'system:masters'), podsIn('x', 'delete'));
    assert.equal(d.allowed, true);
  });

  it('words the forbidden message as kube-apiserver', () => {
    assert.equal(
      rbac.forbiddenMessage(user('bob'), podsIn('default', 'create')),
      'pods is forbidden: User "bob" cannot create resource "pods" in API group "" ' +
        'in the namespace "default"',
    );
  });
});
