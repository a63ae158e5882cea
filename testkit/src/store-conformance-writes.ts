/**
 * Conformance: create, update and delete with their existence and revision checks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '@wisp/core';
import { CASE, rejectionCode } from './store-conformance-helpers.ts';

export function writeCases(store: () => Store): void {
  describe('writes', () => {
    it(
      'creates a key at the next revision with createRevision equal to modRevision',
      CASE,
      async () => {
        const s = store();
        const before = await s.currentRevision();
        const rev = await s.create('/w/a', 'one');
        assert.equal(rev, before + 1);
        assert.deepEqual(await s.get('/w/a'), {
          key: '/w/a',
          value: 'one',
          createRevision: rev,
          modRevision: rev,
        });
      },
    );

    it(
      'refuses to create an existing key with AlreadyExists and writes nothing',
      CASE,
      async () => {
        const s = store();
        const rev = await s.create('/w/a', 'one');
        assert.equal(await rejectionCode(s.create('/w/a', 'two')), 'ERR_ALREADY_EXISTS');
        assert.equal(await s.currentRevision(), rev);
        assert.equal((await s.get('/w/a'))?.value, 'one');
      },
    );

    it('creates a key again after its deletion, with a new createRevision', CASE, async () => {
      const s = store();
      await s.create('/w/a', 'one');
      await s.delete('/w/a');
      const rev = await s.create('/w/a', 'two');
      const kv = await s.get('/w/a');
      assert.equal(kv?.createRevision, rev);
      assert.equal(kv?.value, 'two');
    });

    it('updates at the expected revision, keeping createRevision', CASE, async () => {
      const s = store();
      const created = await s.create('/w/a', 'one');
      const kv = await s.update('/w/a', 'two', created);
      assert.deepEqual(kv, {
        key: '/w/a',
        value: 'two',
        createRevision: created,
        modRevision: created + 1,
      });
      assert.deepEqual(await s.get('/w/a'), kv);
    });

    it(
      'refuses an update at a stale revision with Conflict and keeps the value',
      CASE,
      async () => {
        const s = store();
        const created = await s.create('/w/a', 'one');
        const updated = await s.update('/w/a', 'two', created);
        assert.equal(await rejectionCode(s.update('/w/a', 'three', created)), 'ERR_CONFLICT');
        assert.deepEqual(await s.get('/w/a'), updated);
        assert.equal(await s.currentRevision(), updated.modRevision);
      },
    );

    it('refuses to update a missing or deleted key with NotFound', CASE, async () => {
      const s = store();
      assert.equal(await rejectionCode(s.update('/w/none', 'x', 1)), 'ERR_NOT_FOUND');
      const rev = await s.create('/w/a', 'one');
      await s.delete('/w/a');
      assert.equal(await rejectionCode(s.update('/w/a', 'x', rev)), 'ERR_NOT_FOUND');
    });

    it('deletes without an expected revision and returns the deleted value', CASE, async () => {
      const s = store();
      const created = await s.create('/w/a', 'one');
      const deleted = await s.delete('/w/a');
      assert.deepEqual(deleted, {
        key: '/w/a',
        value: 'one',
        createRevision: created,
        modRevision: created,
        deleteRevision: created + 1,
      });
      assert.equal(await s.get('/w/a'), undefined);
      assert.equal(await s.currentRevision(), created + 1);
    });

    it('deletes at the expected revision and refuses a stale one with Conflict', CASE, async () => {
      const s = store();
      const created = await s.create('/w/a', 'one');
      const updated = await s.update('/w/a', 'two', created);
      assert.equal(await rejectionCode(s.delete('/w/a', created)), 'ERR_CONFLICT');
      assert.equal((await s.get('/w/a'))?.value, 'two');
      const deleted = await s.delete('/w/a', updated.modRevision);
      assert.equal(deleted.value, 'two');
      assert.equal(await s.get('/w/a'), undefined);
    });

    it('refuses to delete a missing key with NotFound', CASE, async () => {
      const s = store();
      assert.equal(await rejectionCode(s.delete('/w/none')), 'ERR_NOT_FOUND');
      assert.equal(await rejectionCode(s.delete('/w/none', 3)), 'ERR_NOT_FOUND');
    });

    it('lets exactly one of racing creates of one key win', CASE, async () => {
      const s = store();
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => s.create('/w/race', `v${i}`)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal(r.reason.code, 'ERR_ALREADY_EXISTS');
      }
      assert.equal((await s.get('/w/race'))?.modRevision, (won[0] as { value: number }).value);
    });

    it('lets exactly one of racing updates at one revision win', CASE, async () => {
      const s = store();
      const rev = await s.create('/w/race', 'v');
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => s.update('/w/race', `v${i}`, rev)),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal(r.reason.code, 'ERR_CONFLICT');
      }
      assert.equal(await s.currentRevision(), rev + 1);
    });

    it(
      'bumps the current revision by one per write and never for a refused one',
      CASE,
      async () => {
        const s = store();
        const start = await s.currentRevision();
        const seen: number[] = [];
        const created = await s.create('/w/m', '1');
        seen.push(await s.currentRevision());
        await rejectionCode(s.create('/w/m', '1'));
        seen.push(await s.currentRevision());
        const updated = await s.update('/w/m', '2', created);
        seen.push(await s.currentRevision());
        await rejectionCode(s.update('/w/m', '3', created));
        seen.push(await s.currentRevision());
        await s.delete('/w/m', updated.modRevision);
        seen.push(await s.currentRevision());
        assert.deepEqual(seen, [start + 1, start + 1, start + 2, start + 2, start + 3]);
      },
    );
  });
}
