import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { FakeClock, runStoreConformance } from '@wisp/testkit';
import { openSqliteStore } from './sqlite-store.ts';
import type { SqliteStoreInit } from './sqlite-store.ts';

async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'wisp-sqlite-store-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

runStoreConformance('sqlite', async () => {
  const dir = await tempDir();
  const store = openSqliteStore({ path: join(dir.path, 'state.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dir.remove();
    },
  };
});

/** Runs `body` with a store in a fresh directory, closing and removing it afterwards. */
async function withStore(
  init: Omit<SqliteStoreInit, 'path'>,
  body: (store: ReturnType<typeof openSqliteStore>, path: string) => Promise<void>,
): Promise<void> {
  const dir = await tempDir();
  const path = join(dir.path, 'state.db');
  const store = openSqliteStore({ path, ...init });
  try {
    await body(store, path);
  } finally {
    await store.close();
    await dir.remove();
  }
}

describe('SqliteStore', () => {
  it('keeps keys, revisions and the compact revision across a reopen', async () => {
    await withStore({}, async (store, path) => {
      const a = await store.create('/k/a', 'a1');
      await store.update('/k/a', 'a2', a);
      const { deleteRevision } = await store.delete('/k/a');
      await store.create('/k/b', 'b1');
      await store.compact(deleteRevision);
      const before = await store.list('/k/');
      await store.close();
      const reopened = openSqliteStore({ path });
      try {
        assert.deepEqual(await reopened.list('/k/'), before);
        assert.equal(await reopened.currentRevision(), deleteRevision + 1);
        assert.equal(await reopened.compactRevision(), deleteRevision);
      } finally {
        await reopened.close();
      }
    });
  });

  it('never reuses a revision after compacting away the newest row and reopening', async () => {
    await withStore({}, async (store, path) => {
      await store.create('/k/a', 'v');
      const { deleteRevision } = await store.delete('/k/a');
      await store.compact(deleteRevision);
      await store.close();
      const reopened = openSqliteStore({ path });
      try {
        assert.equal(await reopened.currentRevision(), deleteRevision);
        assert.equal(await reopened.create('/k/a', 'again'), deleteRevision + 1);
      } finally {
        await reopened.close();
      }
    });
  });

  it('deletes superseded rows and tombstones when compacting', async () => {
    await withStore({}, async (store, path) => {
      const a = await store.create('/k/a', 'a1');
      await store.update('/k/a', 'a2', a);
      await store.create('/k/b', 'b1');
      await store.delete('/k/b');
      await store.create('/k/c', 'c1');
      await store.compact(await store.currentRevision());
      const db = new DatabaseSync(path);
      const rows = db.prepare('SELECT name FROM kv ORDER BY name').all();
      db.close();
      assert.deepEqual(
        rows.map((r) => r.name),
        ['/k/a', '/k/c'],
      );
    });
  });

  it('opens the database in WAL mode', async () => {
    await withStore({}, async (_store, path) => {
      const db = new DatabaseSync(path);
      const row = db.prepare('PRAGMA journal_mode').get() as { journal_mode: string };
      db.close();
      assert.equal(row.journal_mode, 'wal');
    });
  });

  it('refuses a database written by a newer schema version', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir.path, 'state.db');
      const db = new DatabaseSync(path);
      db.exec('PRAGMA user_version = 99');
      db.close();
      assert.throws(() => openSqliteStore({ path }), { code: 'ERR_STORE_UNAVAILABLE' });
    } finally {
      await dir.remove();
    }
  });

  it('commits concurrent writes together with one revision each, in call order', async () => {
    await withStore({ writeBatchOpsMax: 7 }, async (store) => {
      const revisions = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.create(`/k/${i}`, 'v')),
      );
      assert.deepEqual(
        revisions,
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      assert.equal(await store.count('/k/'), 50);
    });
  });

  it('fails a write with ERR_STORE_UNAVAILABLE when the database stays locked', async () => {
    await withStore({ busyTimeoutMs: 0 }, async (store, path) => {
      await store.create('/k/a', 'v');
      const other = new DatabaseSync(path);
      other.exec('BEGIN IMMEDIATE');
      try {
        await assert.rejects(store.create('/k/b', 'v'), { code: 'ERR_STORE_UNAVAILABLE' });
        assert.equal(await store.currentRevision(), 1);
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
      assert.equal(await store.create('/k/b', 'v'), 2);
    });
  });

  it('ends a watcher more than watchQueueEventsMax events behind with ERR_TOO_SLOW', async () => {
    await withStore({ watchQueueEventsMax: 5 }, async (store) => {
      const controller = new AbortController();
      const iterator = store.watch('/s/', 0, controller.signal)[Symbol.asyncIterator]();
      const first = iterator.next();
      await store.create('/s/0', 'v');
      assert.equal((await first).value?.length, 1);
      await Promise.all(Array.from({ length: 6 }, (_, i) => store.create(`/s/${i + 1}`, 'v')));
      await assert.rejects(iterator.next(), { code: 'ERR_TOO_SLOW' });
      assert.equal((await iterator.next()).done, true);
      controller.abort();
    });
  });

  it('catches up over many pages of history, filtered by prefix', async () => {
    await withStore({ catchUpPageEventsMax: 3 }, async (store) => {
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

  it('fails a catching-up watch with ERR_COMPACTED when compaction overtakes it', async () => {
    await withStore({ catchUpPageEventsMax: 2 }, async (store) => {
      for (let i = 0; i < 10; i++) await store.create(`/c/${i}`, 'v');
      const controller = new AbortController();
      const iterator = store.watch('/c/', 0, controller.signal)[Symbol.asyncIterator]();
      assert.equal((await iterator.next()).value?.length, 2);
      await store.compact(6);
      await assert.rejects(iterator.next(), { code: 'ERR_COMPACTED' });
      controller.abort();
    });
  });

  it('compacts periodically on its clock, keeping compactRetainRevisions of history', async () => {
    const clock = new FakeClock();
    const init = { clock, compactIntervalMs: 60_000, compactRetainRevisions: 3 };
    await withStore(init, async (store) => {
      for (let i = 0; i < 10; i++) await store.create(`/c/${i}`, 'v');
      clock.advance(59_999);
      assert.equal(await store.compactRevision(), 0);
      clock.advance(1);
      assert.equal(await store.compactRevision(), 7);
    });
    assert.deepEqual(clock.pendingTimers(), []);
  });

  it('works on an in-memory database', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    try {
      const rev = await store.create('/m/a', 'v');
      assert.equal((await store.get('/m/a'))?.modRevision, rev);
    } finally {
      await store.close();
    }
  });
});
