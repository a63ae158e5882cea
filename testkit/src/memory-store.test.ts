import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory-store.ts';
import { runStoreConformance } from './store-conformance.ts';

runStoreConformance('memory', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});

describe('MemoryStore', () => {
  it('ends a watcher more than watchQueueEventsMax events behind with ERR_TOO_SLOW', async () => {
    const store = new MemoryStore({ watchQueueEventsMax: 5 });
    const controller = new AbortController();
    const iterator = store.watch('/s/', 0, controller.signal)[Symbol.asyncIterator]();
    const first = iterator.next();
    await store.create('/s/0', 'v');
    assert.equal((await first).value?.length, 1);
    for (let i = 1; i <= 5; i++) await store.create(`/s/${i}`, 'v');
    await store.create('/s/other', 'v');
    await assert.rejects(iterator.next(), { code: 'ERR_TOO_SLOW' });
    assert.equal((await iterator.next()).done, true);
    controller.abort();
  });

  it('keeps a watcher that stays within watchQueueEventsMax', async () => {
    const store = new MemoryStore({ watchQueueEventsMax: 5 });
    const controller = new AbortController();
    const iterator = store.watch('/s/', 0, controller.signal)[Symbol.asyncIterator]();
    const first = iterator.next();
    await store.create('/s/0', 'v');
    await first;
    for (let i = 1; i <= 5; i++) await store.create(`/s/${i}`, 'v');
    assert.equal((await iterator.next()).value?.length, 5);
    controller.abort();
  });

  it('catches up over many pages of history, filtered by prefix', async () => {
    const store = new MemoryStore({ catchUpPageEventsMax: 3 });
    const expected: number[] = [];
    for (let i = 0; i < 20; i++) {
      const rev = await store.create(i % 3 === 0 ? `/p/${i}` : `/q/${i}`, 'v');
      if (i % 3 === 0) expected.push(rev);
    }
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const batch of store.watch('/p/', 0, controller.signal)) {
      assert.ok(batch.length <= 3);
      seen.push(...batch.map((e) => e.revision));
      if (seen.length === expected.length) break;
    }
    assert.deepEqual(seen, expected);
  });
});
