import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createObjectCache } from './object-cache.ts';

const obj = (name: string, rv: string, namespace?: string) => ({
  metadata: { name, resourceVersion: rv, ...(namespace ? { namespace } : {}) },
});

describe('object cache', () => {
  it('replaces its contents on reset and follows added, modified and deleted events', () => {
    const cache = createObjectCache();
    cache.reset([obj('a', '1', 'ns'), obj('b', '2', 'ns')]);
    assert.equal(cache.apply({ type: 'MODIFIED', object: obj('a', '3', 'ns') }), true);
    assert.equal(cache.apply({ type: 'DELETED', object: obj('b', '4', 'ns') }), true);
    assert.equal(cache.apply({ type: 'ADDED', object: obj('a', '5', 'other') }), true);
    assert.deepEqual(
      cache
        .items()
        .map((o) => `${o.metadata?.namespace}/${o.metadata?.name}@${o.metadata?.resourceVersion}`),
      ['ns/a@3', 'other/a@5'],
    );
  });

  it('reports no change for a bookmark or for deleting an unknown object', () => {
    const cache = createObjectCache();
    assert.equal(cache.apply({ type: 'BOOKMARK', object: obj('', '9') }), false);
    assert.equal(cache.apply({ type: 'DELETED', object: obj('gone', '9') }), false);
    assert.deepEqual(cache.items(), []);
  });
});
