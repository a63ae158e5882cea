import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forbiddenMessage, forbiddenStatus, unauthorizedStatus } from './auth-status.ts';

const bob = { name: 'bob', groups: ['system:authenticated'] };

describe('forbiddenMessage', () => {
  it('names the namespace for a namespaced request', () => {
    assert.equal(
      forbiddenMessage(bob, {
        verb: 'create',
        apiGroup: '',
        resource: 'pods',
        namespace: 'default',
      }),
      'pods is forbidden: User "bob" cannot create resource "pods" in API group "" ' +
        'in the namespace "default"',
    );
  });

  it('says "at the cluster scope" for a cluster-scoped request and names the object', () => {
    assert.equal(
      forbiddenMessage(bob, { verb: 'get', apiGroup: '', resource: 'nodes', name: 'n1' }),
      'nodes "n1" is forbidden: User "bob" cannot get resource "nodes" in API group "" ' +
        'at the cluster scope',
    );
  });

  it('qualifies a grouped resource and shows the subresource', () => {
    assert.equal(
      forbiddenMessage(bob, {
        verb: 'update',
        apiGroup: 'apps',
        resource: 'deployments',
        subresource: 'scale',
        namespace: 'web',
        name: 'front',
      }),
      'deployments.apps "front" is forbidden: User "bob" cannot update resource ' +
        '"deployments/scale" in API group "apps" in the namespace "web"',
    );
  });

  it('names the path of a non-resource request', () => {
    assert.equal(
      forbiddenMessage(bob, { verb: 'get', nonResourceURL: '/metrics' }),
      'forbidden: User "bob" cannot get path "/metrics"',
    );
  });

  it('appends a non-empty authorizer reason', () => {
    assert.equal(
      forbiddenMessage(bob, { verb: 'get', nonResourceURL: '/x' }, 'RBAC: role "r" not found'),
      'forbidden: User "bob" cannot get path "/x": RBAC: role "r" not found',
    );
  });
});

describe('forbiddenStatus and unauthorizedStatus', () => {
  it('builds a 403 Status with the resource in details', () => {
    const s = forbiddenStatus(bob, {
      verb: 'get',
      apiGroup: 'apps',
      resource: 'deployments',
      namespace: 'a',
      name: 'd',
    });
    assert.equal(s.code, 403);
    assert.equal(s.reason, 'Forbidden');
    assert.deepEqual(s.details, { name: 'd', group: 'apps', kind: 'deployments' });
  });

  it('builds the 401 Status kube-apiserver sends', () => {
    assert.deepEqual(unauthorizedStatus(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });
});
