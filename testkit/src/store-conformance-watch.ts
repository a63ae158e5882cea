/**
 * Conformance: watch delivers every write after its start revision exactly once, in order,
 * including writes that race with the watch's start.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@wisp/core';
import type { Store, WatchEvent } from '@wisp/core';
import {
  CASE,
  collectN,
  collectUntil,
  rejectionCode,
  summary,
} from './store-conformance-helpers.ts';
import { runRacingWriter } from './store-conformance-race.ts';

export function watchCases(store: () => Store): void {
  describe('watch', () => {
    it('delivers exactly the writes after the revision, in order', CASE, async () => {
      const s = store();
      const a = await s.create('/w/a', '1');
      const from = await s.create('/w/b', '1');
      const later = await s.update('/w/a', '2', a);
      await s.delete('/w/b');
      await s.create('/w/c', '1');
      const events = await collectN(s, '/w/', from, 3);
      assert.deepEqual(summary(events), [
        [later.modRevision, 'update', '/w/a'],
        [later.modRevision + 1, 'delete', '/w/b'],
        [later.modRevision + 2, 'create', '/w/c'],
      ]);
    });

    it('delivers history then live writes with no gap and no duplicate', CASE, async () => {
      const s = store();
      const start = await s.currentRevision();
      for (let i = 0; i < 5; i++) await s.create(`/w/${i}`, 'v');
      const live = collectN(s, '/w/', start, 10);
      for (let i = 5; i < 10; i++) await s.create(`/w/${i}`, 'v');
      const revisions = (await live).map((e) => e.revision);
      assert.deepEqual(
        revisions,
        Array.from({ length: 10 }, (_, i) => start + 1 + i),
      );
    });

    it(
      'delivers every write exactly once to watches started while a writer runs',
      CASE,
      async () => {
        for (const seed of [1, 2, 3]) await runRacingWriter(store(), seededRandom(seed), seed);
      },
    );

    it('delivers only writes under the watched prefix', CASE, async () => {
      const s = store();
      const from = await s.currentRevision();
      await s.create('/x/1', 'v');
      await s.create('/xy/1', 'v');
      await s.create('/x', 'v');
      await s.create('/y/1', 'v');
      await s.create('/x/2', 'v');
      const events = await collectUntil(s, '/x/', from, (e) => e.some((x) => x.kv.key === '/x/2'));
      assert.deepEqual(
        events.map((e) => e.kv.key),
        ['/x/1', '/x/2'],
      );
    });

    it('carries the previous value on updates and deletes, and none on creates', CASE, async () => {
      const s = store();
      const from = await s.currentRevision();
      const created = await s.create('/w/a', 'one');
      const updated = await s.update('/w/a', 'two', created);
      const deleted = await s.delete('/w/a');
      const [c, u, d] = await collectN(s, '/w/', from, 3);
      assert.equal(c.prev, undefined);
      assert.deepEqual(c.kv, {
        key: '/w/a',
        value: 'one',
        createRevision: created,
        modRevision: created,
      });
      assert.deepEqual(u.prev, c.kv);
      assert.deepEqual(u.kv, updated);
      assert.deepEqual(d.prev, updated);
      assert.equal(d.revision, deleted.deleteRevision);
      assert.deepEqual(d.kv, { ...updated, modRevision: deleted.deleteRevision });
    });

    it('waits for writes when watching from a revision not reached yet', CASE, async () => {
      const s = store();
      const now = await s.currentRevision();
      const events = collectN(s, '/w/', now + 2, 1);
      for (let i = 0; i < 3; i++) await s.create(`/w/${i}`, 'v');
      assert.deepEqual(summary(await events), [[now + 3, 'create', '/w/2']]);
    });

    it('ends when its signal aborts, also while waiting for a write', CASE, async () => {
      const s = store();
      const controller = new AbortController();
      const iterator = s.watch('/w/', await s.currentRevision(), controller.signal);
      const waiting = iterator[Symbol.asyncIterator]().next();
      controller.abort();
      assert.equal((await waiting).done, true);
      await s.create('/w/a', 'v');
    });

    it('ends at once when its signal is already aborted', CASE, async () => {
      const s = store();
      await s.create('/w/a', 'v');
      const batches: WatchEvent[][] = [];
      for await (const batch of s.watch('/w/', 0, AbortSignal.abort())) batches.push(batch);
      assert.deepEqual(batches, []);
    });

    it('ends active watches with ClosedError when the store closes', CASE, async () => {
      const s = store();
      const controller = new AbortController();
      const iterator = s.watch('/w/', await s.currentRevision(), controller.signal);
      const waiting = iterator[Symbol.asyncIterator]().next();
      await s.close();
      assert.equal(await rejectionCode(waiting), 'ERR_CLOSED');
      assert.equal(await rejectionCode(s.get('/w/a')), 'ERR_CLOSED');
      controller.abort();
    });
  });
}
