/**
 * Conformance: compaction forgets history below a revision, keeps every key's latest value, and
 * turns reads and watches below it into CompactedError.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '@wisp/core';
import { CASE, collectN, rejectionCode, summary, watchError } from './store-conformance-helpers.ts';

/** Writes a little history: a updated twice, b deleted, c created late. Returns revisions. */
async function history(s: Store): Promise<{ a1: number; mid: number; last: number }> {
  const a1 = await s.create('/h/a', 'a1');
  const b1 = await s.create('/h/b', 'b1');
  const a2 = await s.update('/h/a', 'a2', a1);
  const mid = (await s.delete('/h/b', b1)).deleteRevision;
  const a3 = await s.update('/h/a', 'a3', a2.modRevision);
  const last = await s.create('/h/c', 'c1');
  assert.ok(a3.modRevision < last);
  return { a1, mid, last };
}

export function compactCases(store: () => Store): void {
  describe('compaction', () => {
    it(
      'refuses lists below the compact revision and serves them at and above it',
      CASE,
      async () => {
        const s = store();
        const { a1, mid } = await history(s);
        const before = await s.list('/h/', { revision: mid });
        await s.compact(mid);
        assert.equal(await s.compactRevision(), mid);
        const err = await s.list('/h/', { revision: a1 }).catch((e: unknown) => e);
        assert.equal((err as { code?: string }).code, 'ERR_COMPACTED');
        assert.equal((err as { compactRevision?: number }).compactRevision, mid);
        assert.deepEqual(await s.list('/h/', { revision: mid }), before);
        assert.deepEqual(
          (await s.list('/h/')).items.map((kv) => [kv.key, kv.value]),
          [
            ['/h/a', 'a3'],
            ['/h/c', 'c1'],
          ],
        );
      },
    );

    it('refuses watches from below the compact revision with CompactedError', CASE, async () => {
      const s = store();
      const { a1, mid } = await history(s);
      await s.compact(mid);
      const err = await watchError(s, '/h/', a1);
      assert.equal((err as { code?: string }).code, 'ERR_COMPACTED');
    });

    it('delivers the writes after the compact revision to a watch from it', CASE, async () => {
      const s = store();
      const { mid, last } = await history(s);
      await s.compact(mid);
      const events = await collectN(s, '/h/', mid, last - mid);
      assert.deepEqual(summary(events), [
        [mid + 1, 'update', '/h/a'],
        [last, 'create', '/h/c'],
      ]);
      assert.equal(events[0].prev?.value, 'a2');
    });

    it("keeps every key's latest value and forgets deleted keys", CASE, async () => {
      const s = store();
      const { last } = await history(s);
      const before = await s.list('/h/');
      await s.compact(last);
      assert.deepEqual(await s.list('/h/'), before);
      assert.equal(await s.get('/h/b'), undefined);
      assert.equal(await s.count('/h/'), 2);
      const a = await s.get('/h/a');
      assert.equal((await s.update('/h/a', 'a4', a!.modRevision)).value, 'a4');
    });

    it(
      'ignores compaction to a revision at or below the current compact revision',
      CASE,
      async () => {
        const s = store();
        const { a1, mid } = await history(s);
        await s.compact(mid);
        await s.compact(a1);
        await s.compact(mid);
        assert.equal(await s.compactRevision(), mid);
      },
    );

    it('refuses to compact ahead of the current revision', CASE, async () => {
      const s = store();
      await s.create('/h/a', 'v');
      const ahead = (await s.currentRevision()) + 1;
      assert.equal(await rejectionCode(s.compact(ahead)), 'ERR_BAD_REQUEST');
      assert.equal(await s.compactRevision(), 0);
    });

    it('keeps revisions increasing after compacting away the newest write', CASE, async () => {
      const s = store();
      await s.create('/h/a', 'v');
      const { deleteRevision } = await s.delete('/h/a');
      await s.compact(deleteRevision);
      assert.equal(await s.currentRevision(), deleteRevision);
      assert.equal(await s.create('/h/a', 'again'), deleteRevision + 1);
    });
  });
}
