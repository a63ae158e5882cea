/**
 * Conformance: get, list (prefixes, revisions, pages) and count.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@wisp/core';
import type { Store } from '@wisp/core';
import { CASE, rejectionCode } from './store-conformance-helpers.ts';

const keysOf = (items: readonly { key: string }[]): string[] => items.map((kv) => kv.key);

export function readCases(store: () => Store): void {
  describe('reads', () => {
    it('returns undefined for a key that was never written', CASE, async () => {
      assert.equal(await store().get('/r/none'), undefined);
    });

    it('lists only keys under the prefix, so /a/ excludes /ab/ and /a', CASE, async () => {
      const s = store();
      for (const key of ['/a', '/a/1', '/a/2', '/ab/1', '/ab', '/b/1', '/a0']) {
        await s.create(key, key);
      }
      assert.deepEqual(keysOf((await s.list('/a/')).items), ['/a/1', '/a/2']);
      assert.deepEqual(keysOf((await s.list('/ab/')).items), ['/ab/1']);
      assert.equal(await s.count('/a/'), 2);
    });

    it('lists in key order whatever order the keys were written in', CASE, async () => {
      const s = store();
      const random = seededRandom(11);
      const keys = Array.from({ length: 40 }, (_, i) => `/r/k${String(i).padStart(3, '0')}`);
      const shuffled = [...keys].sort(() => random.float() - 0.5);
      for (const key of shuffled) await s.create(key, 'v');
      const listed = await s.list('/r/');
      assert.deepEqual(keysOf(listed.items), keys);
      assert.equal(listed.revision, await s.currentRevision());
      assert.equal(listed.more, false);
    });

    it('leaves deleted keys out of lists and counts', CASE, async () => {
      const s = store();
      await s.create('/r/a', '1');
      await s.create('/r/b', '2');
      await s.delete('/r/a');
      assert.deepEqual(keysOf((await s.list('/r/')).items), ['/r/b']);
      assert.equal(await s.count('/r/'), 1);
    });

    it('lists the state as it was at an older revision', CASE, async () => {
      const s = store();
      const a = await s.create('/r/a', 'a1');
      const b = await s.create('/r/b', 'b1');
      await s.update('/r/a', 'a2', a);
      await s.delete('/r/b', b);
      await s.create('/r/c', 'c1');
      const old = await s.list('/r/', { revision: b });
      assert.equal(old.revision, b);
      assert.deepEqual(old.items, [
        { key: '/r/a', value: 'a1', createRevision: a, modRevision: a },
        { key: '/r/b', value: 'b1', createRevision: b, modRevision: b },
      ]);
      const now = await s.list('/r/');
      assert.deepEqual(
        now.items.map((kv) => [kv.key, kv.value]),
        [
          ['/r/a', 'a2'],
          ['/r/c', 'c1'],
        ],
      );
    });

    it('refuses to list at a revision ahead of the current one', CASE, async () => {
      const s = store();
      await s.create('/r/a', '1');
      const ahead = (await s.currentRevision()) + 5;
      assert.equal(await rejectionCode(s.list('/r/', { revision: ahead })), 'ERR_BAD_REQUEST');
    });

    it('pages with limit and startAfter, covering every key exactly once', CASE, async () => {
      const s = store();
      const keys = Array.from({ length: 23 }, (_, i) => `/p/${String(i).padStart(2, '0')}`);
      for (const key of keys) await s.create(key, 'v');
      await s.create('/pq/outside', 'v');
      const seen: string[] = [];
      let startAfter: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await s.list('/p/', { limit: 5, startAfter });
        seen.push(...keysOf(res.items));
        assert.equal(res.more, seen.length < keys.length);
        assert.equal(res.remaining, keys.length - seen.length);
        if (!res.more) break;
        startAfter = res.items[res.items.length - 1].key;
      }
      assert.deepEqual(seen, keys);
    });

    it('keeps pages at a fixed revision consistent while writes go on', CASE, async () => {
      const s = store();
      for (let i = 0; i < 10; i++) await s.create(`/p/${i}`, 'v');
      const first = await s.list('/p/', { limit: 4 });
      const snapshot = await s.list('/p/', { revision: first.revision });
      await s.delete('/p/5');
      await s.create('/p/55', 'new');
      await s.update('/p/9', 'changed', (await s.get('/p/9'))!.modRevision);
      const rest = await s.list('/p/', {
        revision: first.revision,
        startAfter: first.items[first.items.length - 1].key,
      });
      assert.equal(rest.more, false);
      assert.deepEqual([...first.items, ...rest.items], snapshot.items);
    });

    it('reports no more pages when the limit covers every key', CASE, async () => {
      const s = store();
      await s.create('/p/a', 'v');
      await s.create('/p/b', 'v');
      const res = await s.list('/p/', { limit: 2 });
      assert.deepEqual(keysOf(res.items), ['/p/a', '/p/b']);
      assert.equal(res.more, false);
      assert.equal(res.remaining, 0);
      assert.deepEqual((await s.list('/p/', { startAfter: '/p/b' })).items, []);
    });

    it('counts the live keys under a prefix', CASE, async () => {
      const s = store();
      assert.equal(await s.count('/c/'), 0);
      for (let i = 0; i < 7; i++) await s.create(`/c/${i}`, 'v');
      await s.create('/cd/0', 'v');
      await s.delete('/c/3');
      assert.equal(await s.count('/c/'), 6);
      assert.equal(await s.count(''), 7);
    });
  });
}
