import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, routeHash } from './router.ts';
import type { Route } from './router.ts';

describe('router', () => {
  it('round-trips every page through the hash, names with odd characters included', () => {
    const routes: Route[] = [
      { page: 'fleet' },
      { page: 'node', name: 'edge-1' },
      { page: 'pod', namespace: 'default', name: 'web/1 x' },
      { page: 'workload', kind: 'Deployment', namespace: 'default', name: 'web' },
    ];
    for (const r of routes) assert.deepEqual(parseRoute(routeHash(r)), r);
  });

  it('falls back to the fleet for an unknown or incomplete hash', () => {
    assert.deepEqual(parseRoute(''), { page: 'fleet' });
    assert.deepEqual(parseRoute('#/pod/default'), { page: 'fleet' });
  });
});
