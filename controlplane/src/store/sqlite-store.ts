/**
 * The embedded Store: one SQLite file (node:sqlite, WAL, synchronous=FULL), log-structured like
 * kine. One process writes, from a worker thread with its own connection so fsync never blocks
 * the event loop; the main thread reads through a second connection, keeps the current revision
 * in memory and serves watchers from the log and then from a broadcast after each commit.
 *
 *   const store = openSqliteStore({ path: '/var/lib/wisp/state.db' });
 *   const rev = await store.create('/registry/configmaps/default/a', '{}');
 *   await store.close();
 */
import { DatabaseSync } from 'node:sqlite';
import { ClosedError, CompactedError, systemClock } from '@wisp/core';
import type {
  Clock,
  KeyValue,
  ListOptions,
  ListResult,
  Store,
  TimerHandle,
  WatchEvent,
} from '@wisp/core';
import { FutureRevisionError } from './errors.ts';
import { GroupCommitter } from './group-commit.ts';
import type { WriteOp } from './sqlite-write.ts';
import { keyRange } from './key-range.ts';
import { deleteSuperseded } from './sqlite-compact.ts';
import { logRowToEvent, toKeyValue } from './sqlite-rows.ts';
import type { LatestRow, ListRow, LogRow } from './sqlite-rows.ts';
import { prepareDatabase, readRevisions } from './sqlite-schema.ts';
import {
  LATEST_AT_SQL,
  MIN_ID_SQL,
  StatementCache,
  countSql,
  listSql,
  logSql,
} from './sqlite-statements.ts';
import { WorkerWriter, inlineWriter } from './store-writer.ts';
import type { StoreWriter } from './store-writer.ts';
import { WatchHub } from '@wisp/core';

export interface SqliteStoreInit {
  /** Database file; created if missing. */
  readonly path: string;
  /** Drives periodic compaction; defaults to the system clock. */
  readonly clock?: Clock;
  /** Live events queued per watcher before it is ended as too slow (default 10,000). */
  readonly watchQueueEventsMax?: number;
  /** Events per batch while a watch catches up from the log (default 500). */
  readonly catchUpPageEventsMax?: number;
  /** Concurrent writes committed in one transaction (default 1,000). */
  readonly writeBatchOpsMax?: number;
  /** How long to wait for another connection's lock (default 5,000). */
  readonly busyTimeoutMs?: number;
  /** Revisions deleted per compaction transaction (default 10,000). */
  readonly compactChunkRevisions?: number;
  /** Compact this often, keeping `compactRetainRevisions`; 0 (default) leaves it to callers. */
  readonly compactIntervalMs?: number;
  /** Revisions of history periodic compaction keeps (default 1,000). */
  readonly compactRetainRevisions?: number;
}

const DEFAULTS = {
  watchQueueEventsMax: 10_000,
  catchUpPageEventsMax: 500,
  writeBatchOpsMax: 1_000,
  busyTimeoutMs: 5_000,
  compactChunkRevisions: 10_000,
  compactIntervalMs: 0,
  compactRetainRevisions: 1_000,
};

export function openSqliteStore(init: SqliteStoreInit): SqliteStore {
  return new SqliteStore(init);
}

export class SqliteStore implements Store {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #statements: StatementCache;
  readonly #options: typeof DEFAULTS;
  readonly #clock: Clock;
  readonly #writer: StoreWriter;
  readonly #committer: GroupCommitter;
  readonly #hub: WatchHub;
  #revision: number;
  #compactRevision: number;
  #compacting: Promise<void> = Promise.resolve();
  #compactTimer: TimerHandle | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(init: SqliteStoreInit) {
    this.path = init.path;
    this.#options = { ...DEFAULTS, ...definedOnly(init) };
    this.#clock = init.clock ?? systemClock();
    this.#db = new DatabaseSync(init.path);
    try {
      prepareDatabase(this.#db, { path: init.path, busyTimeoutMs: this.#options.busyTimeoutMs });
    } catch (e) {
      this.#db.close();
      throw e;
    }
    const revisions = readRevisions(this.#db);
    this.#revision = revisions.current;
    this.#compactRevision = revisions.compact;
    this.#statements = new StatementCache(this.#db);
    // The schema exists by now (prepareDatabase above), so the writer only opens and sets pragmas.
    this.#writer =
      init.path === ':memory:'
        ? inlineWriter(this.#db, this.#statements)
        : new WorkerWriter({ path: init.path, busyTimeoutMs: this.#options.busyTimeoutMs });
    this.#committer = new GroupCommitter(this.#writer, this.#options, {
      revision: () => this.#revision,
      committed: (revision, events) => {
        this.#revision = revision;
        this.#hub.publish(events);
      },
    });
    this.#hub = new WatchHub(
      {
        currentRevision: () => this.#revision,
        compactRevision: () => this.#compactRevision,
        read: (prefix, after, upto, eventsMax) => this.#readLog(prefix, after, upto, eventsMax),
      },
      this.#options,
    );
    this.#startPeriodicCompaction();
  }

  async currentRevision(): Promise<number> {
    this.#assertOpen();
    return this.#revision;
  }

  async compactRevision(): Promise<number> {
    this.#assertOpen();
    return this.#compactRevision;
  }

  async create(key: string, value: string): Promise<number> {
    return (await this.#write({ kind: 'create', key, value })).revision;
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    return (await this.#write({ kind: 'update', key, value, expectedRevision })).kv;
  }

  async delete(
    key: string,
    expectedRevision?: number,
  ): Promise<KeyValue & { deleteRevision: number }> {
    const event = await this.#write({ kind: 'delete', key, expectedRevision });
    const { prev } = event;
    if (!prev) throw new Error(`${key}: delete event without the deleted value`);
    return { ...prev, deleteRevision: event.revision };
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.#assertOpen();
    const row = this.#statements.get(LATEST_AT_SQL).get(key, this.#revision) as
      LatestRow | undefined;
    return row && !row.deleted ? toKeyValue(key, row) : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.#assertOpen();
    const revision = this.#readRevision(options.revision);
    const range = keyRange(prefix, options.startAfter);
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    const rows = this.#statements.get(listSql(range.shape)).all({
      ...range.params,
      rev: revision,
      limit: limit > 0 ? limit + 1 : -1,
    }) as unknown as ListRow[];
    const more = limit > 0 && rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map((row) => toKeyValue(row.name, row));
    const remaining = more ? this.#count(prefix, revision, items[items.length - 1].key) : 0;
    return { items, revision, more, remaining };
  }

  async count(prefix: string): Promise<number> {
    this.#assertOpen();
    return this.#count(prefix, this.#revision);
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<WatchEvent[]> {
    this.#assertOpen();
    return this.#hub.open(prefix, afterRevision, signal);
  }

  async compact(revision: number): Promise<void> {
    this.#assertOpen();
    if (revision > this.#revision) {
      throw new FutureRevisionError('compact', revision, this.#revision);
    }
    if (revision <= this.#compactRevision) return;
    // Refusing reads below the new compact revision before the writer has recorded it only
    // refuses them early; rows are deleted after the record commits (the writer runs in order).
    this.#compactRevision = revision;
    const record = this.#writer.run({ kind: 'record-compact', revision });
    const run = (): Promise<void> =>
      deleteSuperseded(revision, {
        compactChunkRevisions: this.#options.compactChunkRevisions,
        minId: (this.#statements.get(MIN_ID_SQL).get() as { id: number | null }).id,
        isOpen: () => !this.#closed,
        deleteChunk: async (lo, hi) => {
          await this.#writer.run({ kind: 'delete-superseded', lo, hi, revision });
        },
      });
    // Chunks of one compaction at a time; an earlier failed round does not stop this one.
    const previous = this.#compacting.catch(() => undefined);
    this.#compacting = Promise.all([previous, record]).then(run);
    await this.#compacting;
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    this.#clock.clearInterval(this.#compactTimer);
    // Accepted writes land (and reach watchers) before the writer ends.
    await this.#committer.drain();
    await this.#compacting.catch(() => undefined);
    try {
      await this.#writer.close();
    } finally {
      this.#db.close();
      // Last, so watches fail in the turn close() settles: failed before the writer's round
      // trip, a watch the caller reads only after `await close()` reports an unhandled rejection.
      this.#hub.close();
    }
  }

  #write(op: WriteOp): Promise<WatchEvent> {
    this.#assertOpen();
    return this.#committer.submit(op);
  }

  #readRevision(requested: number | undefined): number {
    if (!requested) return this.#revision;
    if (requested > this.#revision) {
      throw new FutureRevisionError('options.revision', requested, this.#revision);
    }
    if (requested < this.#compactRevision) {
      throw new CompactedError(requested, this.#compactRevision);
    }
    return requested;
  }

  #count(prefix: string, revision: number, startAfter?: string): number {
    const range = keyRange(prefix, startAfter);
    const row = this.#statements.get(countSql(range.shape)).get({ ...range.params, rev: revision });
    return (row as { n: number }).n;
  }

  #readLog(prefix: string, after: number, upto: number, eventsMax: number): WatchEvent[] {
    const range = keyRange(prefix);
    const rows = this.#statements
      .get(logSql(range.shape))
      .all({ ...range.params, after, upto, limit: eventsMax }) as unknown as LogRow[];
    return rows.map(logRowToEvent);
  }

  #startPeriodicCompaction(): void {
    const { compactIntervalMs, compactRetainRevisions } = this.#options;
    if (compactIntervalMs <= 0) return;
    this.#compactTimer = this.#clock.setInterval(() => {
      const target = this.#revision - compactRetainRevisions;
      // A failed round leaves the log longer, never inconsistent; the next round retries.
      if (target > this.#compactRevision) this.compact(target).catch(() => undefined);
    }, compactIntervalMs);
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('store closed');
  }
}

function definedOnly<T extends object>(init: T): Partial<T> {
  return Object.fromEntries(Object.entries(init).filter(([, v]) => v !== undefined)) as Partial<T>;
}
