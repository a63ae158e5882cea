import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@wisp/api/meta.ts';
import type { RequestAttributes } from './attributes.ts';
import { bootstrapPolicy } from './bootstrap-policy.ts';
import { createRbacAuthorizer } from './rbac.ts';
import { staticRbacSource } from './rbac-source.ts';

const g = 'rbac.authorization.k8s.io';
const authed = (name: string, ...groups: string[]) => ({
  name,
  groups: [...groups, 'system:authenticated'],
});

/** The bootstrap policy plus a RoleBinding of `role` to `user` in namespace `team`. */
function authorizerWith(role: string, user: string) {
  const grant: KubeObject = {
    apiVersion: `${g}/v1`,
    kind: 'RoleBinding',
    metadata: { name: `${user}-${role}`, namespace: 'team' },
    roleRef: { apiGroup: g, kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: g, kind: 'User', name: user }],
  };
  return createRbacAuthorizer({ source: staticRbacSource([...bootstrapPolicy(), grant]) });
}

const inTeam = (verb: string, apiGroup: string, resource: string, subresource?: string) =>
  ({ verb, apiGroup, resource, namespace: 'team', subresource }) satisfies RequestAttributes;

describe('bootstrapPolicy', () => {
  it('creates the upstream cluster roles and bindings', () => {
    const names = bootstrapPolicy().map((o) => `${o.kind}/${o.metadata.name}`);
    for (const r of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user']) {
      assert.ok(names.includes(`ClusterRole/${r}`), r);
    }
    for (const r of ['system:discovery', 'system:public-info-viewer']) {
      assert.ok(names.includes(`ClusterRole/${r}`), r);
      assert.ok(names.includes(`ClusterRoleBinding/${r}`), r);
    }
  });

  it('binds cluster-admin to system:masters', async () => {
    const crb = bootstrapPolicy().find(
      (o) => o.metadata.name === 'cluster-admin' && o.kind === 'ClusterRoleBinding',
    );
    assert.deepEqual(crb?.subjects, [{ apiGroup: g, kind: 'Group', name: 'system:masters' }]);
  });

  it('lets every authenticated user discover the API and review its own access', async () => {
    const rbac = authorizerWith('view', 'nobody');
    const user = authed('carol');
    for (const path of ['/api', '/apis', '/apis/apps/v1', '/version', '/openapi/v3', '/healthz']) {
      const d = await rbac.authorize(user, { verb: 'get', nonResourceURL: path });
      assert.equal(d.allowed, true, path);
    }
    const review = {
      verb: 'create',
      apiGroup: 'authorization.k8s.io',
      resource: 'selfsubjectaccessreviews',
    };
    assert.equal((await rbac.authorize(user, review)).allowed, true);
    assert.equal((await rbac.authorize(user, inTeam('list', '', 'pods'))).allowed, false);
    assert.equal(
      (await rbac.authorize(user, { verb: 'get', nonResourceURL: '/metrics' })).allowed,
      false,
    );
  });

  it('lets view read workloads and logs but neither secrets nor writes', async () => {
    const rbac = authorizerWith('view', 'vic');
    const vic = authed('vic');
    assert.equal((await rbac.authorize(vic, inTeam('watch', 'apps', 'deployments'))).allowed, true);
    assert.equal((await rbac.authorize(vic, inTeam('get', '', 'pods', 'log'))).allowed, true);
    assert.equal((await rbac.authorize(vic, inTeam('get', '', 'secrets'))).allowed, false);
    assert.equal((await rbac.authorize(vic, inTeam('create', '', 'pods'))).allowed, false);
  });

  it('lets edit change workloads and read secrets, but not roles or endpoints', async () => {
    const rbac = authorizerWith('edit', 'ed');
    const ed = authed('ed');
    assert.equal(
      (await rbac.authorize(ed, inTeam('patch', 'apps', 'deployments', 'scale'))).allowed,
      true,
    );
    assert.equal((await rbac.authorize(ed, inTeam('get', '', 'secrets'))).allowed, true);
    assert.equal((await rbac.authorize(ed, inTeam('delete', 'batch', 'jobs'))).allowed, true);
    assert.equal((await rbac.authorize(ed, inTeam('create', g, 'roles'))).allowed, false);
    assert.equal((await rbac.authorize(ed, inTeam('update', '', 'endpoints'))).allowed, false);
  });

  it('lets admin manage roles and bindings in the namespace', async () => {
    const rbac = authorizerWith('admin', 'ada');
    const ada = authed('ada');
    assert.equal((await rbac.authorize(ada, inTeam('create', g, 'rolebindings'))).allowed, true);
    assert.equal((await rbac.authorize(ada, inTeam('delete', '', 'pods'))).allowed, true);
    const nodes = { verb: 'list', apiGroup: '', resource: 'nodes' };
    assert.equal((await rbac.authorize(ada, nodes)).allowed, false);
  });

  it('lets cluster-admin do anything when bound to a user', async () => {
    const policy = bootstrapPolicy();
    const crb: KubeObject = {
      apiVersion: `${g}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'root' },
      roleRef: { apiGroup: g, kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: g, kind: 'User', name: 'root' }],
    };
    const rbac = createRbacAuthorizer({ source: staticRbacSource([...policy, crb]) });
    const root = authed('root');
    assert.equal(
      (await rbac.authorize(root, { verb: 'delete', apiGroup: '', resource: 'nodes' })).allowed,
      true,
    );
    assert.equal(
      (await rbac.authorize(root, { verb: 'get', nonResourceURL: '/metrics' })).allowed,
      true,
    );
  });
});
