/**
 * A Store held in memory with the same revision log semantics as the SQLite store: list at an
 * older revision, watch from a revision, compaction and its CompactedError all behave alike, so
 * tests that use it exercise what production will do.
 *
 *   const store = new MemoryStore();
 *   const rev = await store.create('/registry/pods/default/a', '{}');
 */
import {
  AlreadyExistsError,
  ClosedError,
  CompactedError,
  ConflictError,
  NotFoundError,
} from '@wisp/core';
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent } from '@wisp/core';
import { FutureRevisionError } from './store-errors.ts';
import { WatchHub } from '@wisp/core';

export interface MemoryStoreInit {
  /** Live events queued per watcher before it is ended as too slow (default 10,000). */
  readonly watchQueueEventsMax?: number;
  /** Events per batch while a watch catches up from the log (default 500). */
  readonly catchUpPageEventsMax?: number;
}

export class MemoryStore implements Store {
  /** Every write still kept, in revision order; each entry is the write's own event. */
  #log: WatchEvent[] = [];
  /** The same events per key, oldest first. */
  readonly #history = new Map<string, WatchEvent[]>();
  readonly #hub: WatchHub;
  #revision = 0;
  #compactRevision = 0;
  #closed = false;

  constructor(init: MemoryStoreInit = {}) {
    this.#hub = new WatchHub(
      {
        currentRevision: () => this.#revision,
        compactRevision: () => this.#compactRevision,
        read: (prefix, after, upto, eventsMax) => this.#read(prefix, after, upto, eventsMax),
      },
      {
        watchQueueEventsMax: init.watchQueueEventsMax ?? 10_000,
        catchUpPageEventsMax: init.catchUpPageEventsMax ?? 500,
      },
    );
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
    this.#assertOpen();
    const latest = this.#latest(key);
    if (latest && latest.type !== 'delete') throw new AlreadyExistsError(`${key}: already exists`);
    const revision = this.#revision + 1;
    const kv = { key, value, createRevision: revision, modRevision: revision };
    this.#append({ type: 'create', kv, revision });
    return revision;
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    const prev = this.#checkLive(key, expectedRevision);
    const revision = this.#revision + 1;
    const kv = { key, value, createRevision: prev.createRevision, modRevision: revision };
    this.#append({ type: 'update', kv, prev, revision });
    return { ...kv };
  }

  async delete(
    key: string,
    expectedRevision?: number,
  ): Promise<KeyValue & { deleteRevision: number }> {
    const prev = this.#checkLive(key, expectedRevision);
    const revision = this.#revision + 1;
    const kv = { ...prev, modRevision: revision };
    this.#append({ type: 'delete', kv, prev, revision });
    return { ...prev, deleteRevision: revision };
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.#assertOpen();
    const latest = this.#latest(key);
    return latest && latest.type !== 'delete' ? { ...latest.kv } : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.#assertOpen();
    const revision = this.#readRevision(options.revision);
    const after = options.startAfter;
    const all = this.#liveAt(prefix, revision).filter(
      (kv) => after === undefined || kv.key > after,
    );
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    const more = limit > 0 && all.length > limit;
    const items = more ? all.slice(0, limit) : all;
    return { items, revision, more, remaining: more ? all.length - limit : 0 };
  }

  async count(prefix: string): Promise<number> {
    this.#assertOpen();
    return this.#liveAt(prefix, this.#revision).length;
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
    this.#compactRevision = revision;
    const kept = new Set<WatchEvent>();
    for (const [key, events] of this.#history) {
      const newestBefore = events.findLastIndex((e) => e.revision <= revision);
      const keep = events.filter(
        (e, i) => e.revision > revision || (i === newestBefore && e.type !== 'delete'),
      );
      if (keep.length === 0) this.#history.delete(key);
      else this.#history.set(key, keep);
      for (const e of keep) kept.add(e);
    }
    this.#log = this.#log.filter((e) => kept.has(e));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#hub.close();
  }

  #append(event: WatchEvent): void {
    this.#revision = event.revision;
    this.#log.push(event);
    const events = this.#history.get(event.kv.key);
    if (events) events.push(event);
    else this.#history.set(event.kv.key, [event]);
    this.#hub.publish([event]);
  }

  #latest(key: string): WatchEvent | undefined {
    const events = this.#history.get(key);
    return events?.[events.length - 1];
  }

  #checkLive(key: string, expectedRevision: number | undefined): KeyValue {
    this.#assertOpen();
    const latest = this.#latest(key);
    if (!latest || latest.type === 'delete') throw new NotFoundError(`${key}: not found`);
    if (expectedRevision !== undefined && expectedRevision !== latest.revision) {
      throw new ConflictError(
        `${key}: revision is ${latest.revision}, expected ${expectedRevision}`,
      );
    }
    return latest.kv;
  }

  #liveAt(prefix: string, revision: number): KeyValue[] {
    const items: KeyValue[] = [];
    for (const [key, events] of this.#history) {
      if (!key.startsWith(prefix)) continue;
      const event = events.findLast((e) => e.revision <= revision);
      if (event && event.type !== 'delete') items.push({ ...event.kv });
    }
    return items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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

  #read(prefix: string, after: number, upto: number, eventsMax: number): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (let i = firstAfter(this.#log, after); i < this.#log.length; i++) {
      const event = this.#log[i];
      if (event.revision > upto || out.length >= eventsMax) break;
      if (event.kv.key.startsWith(prefix)) out.push(event);
    }
    return out;
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('store closed');
  }
}

/** Index of the first event with revision > `after` (binary search; the log is sorted). */
function firstAfter(log: readonly WatchEvent[], after: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid].revision <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
