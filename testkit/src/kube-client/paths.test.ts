import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resourcePath, withQuery } from './paths.ts';

const pods = { group: '', version: 'v1', plural: 'pods', namespaced: true };
const deployments = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true };
const nodes = { group: '', version: 'v1', plural: 'nodes', namespaced: false };

describe('resourcePath', () => {
  it('addresses core and group resources, items and subresources', () => {
    assert.equal(resourcePath(pods, 'default'), '/api/v1/namespaces/default/pods');
    assert.equal(
      resourcePath(pods, 'default', 'web-1', 'status'),
      '/api/v1/namespaces/default/pods/web-1/status',
    );
    assert.equal(
      resourcePath(deployments, 'prod', 'web'),
      '/apis/apps/v1/namespaces/prod/deployments/web',
    );
  });

  it('lists across namespaces without one and ignores it for cluster-scoped kinds', () => {
    assert.equal(resourcePath(pods, undefined), '/api/v1/pods');
    assert.equal(resourcePath(nodes, 'default', 'edge-1'), '/api/v1/nodes/edge-1');
  });

  it('refuses an empty name', () => {
    assert.throws(() => resourcePath(pods, 'default', ''), TypeError);
  });
});

describe('withQuery', () => {
  it('keeps only set parameters, encoded', () => {
    assert.equal(
      withQuery('/api/v1/pods', {
        labelSelector: 'app=web,tier in (a,b)',
        limit: 5,
        x: undefined,
        y: false,
        z: '',
      }),
      '/api/v1/pods?labelSelector=app%3Dweb%2Ctier+in+%28a%2Cb%29&limit=5',
    );
    assert.equal(withQuery('/api', {}), '/api');
  });
});
