import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerCache } from './scheduler-cache.ts';
import { pod } from './test-support.ts';

const names = (cache: SchedulerCache, node: string) =>
  (cache.podsOnNodes().get(node) ?? []).map((p) => p.metadata?.name);

describe('SchedulerCache', () => {
  it('indexes bound pods by node and drops terminated or deleted ones', () => {
    const cache = new SchedulerCache();
    cache.observe('default/a', pod('a', {}, { nodeName: 'n1' }));
    cache.observe('default/b', pod('b', {}, { nodeName: 'n1' }));
    cache.observe('default/c', pod('c'));
    assert.deepEqual(names(cache, 'n1'), ['a', 'b']);
    cache.observe('default/a', pod('a', {}, { nodeName: 'n1', phase: 'Succeeded' }));
    cache.observe('default/b', undefined);
    assert.equal(cache.podsOnNodes().has('n1'), false);
  });

  it('counts an assumed pod on its node until the informer shows it bound', () => {
    const cache = new SchedulerCache();
    cache.assume('default/a', pod('a'), 'n1');
    assert.deepEqual(names(cache, 'n1'), ['a']);
    assert.equal(cache.podsOnNodes().get('n1')![0].spec?.nodeName, 'n1');
    cache.observe('default/a', pod('a')); // a stale event: still unbound in the informer
    assert.deepEqual(names(cache, 'n1'), ['a']);
    assert.equal(cache.isAssumed('default/a'), true);
    cache.observe('default/a', pod('a', {}, { nodeName: 'n1' }));
    assert.equal(cache.isAssumed('default/a'), false);
    assert.deepEqual(names(cache, 'n1'), ['a']);
  });

  it('forgets an assumption whose binding failed', () => {
    const cache = new SchedulerCache();
    cache.assume('default/a', pod('a'), 'n1');
    cache.forget('default/a');
    assert.equal(cache.podsOnNodes().has('n1'), false);
    assert.equal(cache.assumedCount(), 0);
  });

  it('expires a finished binding the informer never confirmed, after the TTL', () => {
    const cache = new SchedulerCache({ assumedTtlMs: 1000 });
    cache.assume('default/a', pod('a'), 'n1');
    cache.assume('default/b', pod('b'), 'n1');
    cache.finishBinding('default/a', 0);
    cache.expire(999);
    assert.equal(cache.assumedCount(), 2);
    cache.expire(1000);
    assert.deepEqual(names(cache, 'n1'), ['b'], 'an in-flight binding never expires');
  });

  it('drops an assumption when the pod is deleted', () => {
    const cache = new SchedulerCache();
    cache.assume('default/a', pod('a'), 'n1');
    cache.observe('default/a', undefined);
    assert.equal(cache.assumedCount(), 0);
    assert.equal(cache.podsOnNodes().has('n1'), false);
  });
});
