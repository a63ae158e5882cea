import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapPolicy } from './bootstrap-policy.ts';
import { createRbacAuthorizer } from './rbac.ts';
import { staticRbacSource } from './rbac-source.ts';
import { parseTokenRole, tokenRoleGroups } from './token-roles.ts';

const rbac = createRbacAuthorizer({ source: staticRbacSource(bootstrapPolicy()) });
const userOf = (role: string) => ({
  name: `${role}-user`,
  groups: [...tokenRoleGroups(parseTokenRole(role)), 'system:authenticated'],
});
const may = async (role: string, verb: string, apiGroup: string, resource: string, ns?: string) =>
  (await rbac.authorize(userOf(role), { verb, apiGroup, resource, namespace: ns })).allowed;

describe('token roles', () => {
  it('lets a view token read nodes, leases and workloads everywhere, and change nothing', async () => {
    assert.equal(await may('view', 'list', '', 'nodes'), true);
    assert.equal(await may('view', 'watch', 'coordination.k8s.io', 'leases'), true);
    assert.equal(await may('view', 'watch', 'apps', 'deployments'), true);
    assert.equal(await may('view', 'get', 'apps', 'deployments', 'default'), true);
    assert.equal(await may('view', 'patch', '', 'nodes'), false);
    assert.equal(await may('view', 'patch', 'apps', 'deployments', 'default'), false);
    assert.equal(await may('view', 'get', '', 'secrets', 'default'), false);
  });

  it('lets an edit token change workloads and evict pods, but not nodes', async () => {
    assert.equal(await may('edit', 'patch', 'apps', 'deployments', 'default'), true);
    assert.equal(await may('edit', 'create', '', 'pods/eviction', 'default'), true);
    assert.equal(await may('edit', 'list', '', 'nodes'), true);
    assert.equal(await may('edit', 'patch', '', 'nodes'), false);
  });

  it('gives a cluster-admin token system:masters', () => {
    assert.deepEqual(tokenRoleGroups('cluster-admin'), ['system:masters']);
  });

  it('refuses an unknown role, listing the known ones', () => {
    assert.throws(() => parseTokenRole('root'), /role: Unsupported value: "root": cluster-admin/);
  });
});
