/**
 * List and watch over the store, with label and field selectors, consistent paging and
 * bookmarks. A watch that starts without a resourceVersion first replays the current state as
 * ADDED events, as kube-apiserver does.
 */
import type { KubeList, KubeObject, ResourceInfo } from '@wisp/api';
import {
  apiVersionOf,
  checkFieldSelector,
  fieldGetter,
  parseFieldSelector,
  parseSelector,
  storagePrefix,
} from '@wisp/api';
import { CompactedError, isWispError } from '@wisp/core';
import type { Clock, KeyValue, Store, WatchEvent } from '@wisp/core';
import { decode } from './codec.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { BadRequestError } from './errors.ts';
import type { ListQuery, ObjectEvent, WatchQuery } from './types.ts';

/** Keys read per store page while filtering a selector-limited list. */
const LIST_PAGE_KEYS = 500;

export type ObjectFilter = (obj: KubeObject) => boolean;

export function buildFilter(info: ResourceInfo, query: ListQuery): ObjectFilter {
  let labels: ReturnType<typeof parseSelector> | undefined;
  let fields: ReturnType<typeof parseFieldSelector> | undefined;
  try {
    if (query.labelSelector) labels = parseSelector(query.labelSelector);
    if (query.fieldSelector) {
      fields = parseFieldSelector(query.fieldSelector);
      checkFieldSelector(info, fields);
    }
  } catch (e) {
    throw new BadRequestError(e instanceof Error ? e.message : String(e));
  }
  if (!labels && !fields) return () => true;
  return (obj) =>
    (labels?.matches(obj.metadata.labels) ?? true) &&
    (fields?.matches(fieldGetter(info, obj)) ?? true);
}

function listKind(info: ResourceInfo): Pick<KubeList, 'apiVersion' | 'kind'> {
  return { apiVersion: apiVersionOf(info), kind: `${info.kind}List` };
}

export async function listObjects(
  store: Store,
  info: ResourceInfo,
  namespace: string | undefined,
  query: ListQuery,
): Promise<KubeList> {
  const filter = buildFilter(info, query);
  const prefix = storagePrefix(info, namespace);
  const limit = query.limit && query.limit > 0 ? query.limit : 0;
  const pos = query.continue ? decodeContinue(query.continue) : undefined;
  let revision = pos ? pos.revision : await readRevision(store, query.resourceVersion);
  let startAfter = pos?.startAfter;
  const items: KubeObject[] = [];
  const filtered = Boolean(query.labelSelector || query.fieldSelector);
  for (;;) {
    const want = limit ? Math.max(limit - items.length, filtered ? LIST_PAGE_KEYS : 0) : 0;
    const page = await store.list(prefix, { revision, limit: want, startAfter });
    revision = page.revision;
    let last: KeyValue | undefined;
    for (const kv of page.items) {
      last = kv;
      const obj = decode(kv);
      if (!filter(obj)) continue;
      items.push(obj);
      if (limit && items.length === limit) break;
    }
    const moreInPage = last !== undefined && last !== page.items[page.items.length - 1];
    const more = page.more || moreInPage;
    if (limit && items.length === limit && more) {
      const remaining = filtered ? undefined : page.remaining + countAfter(page.items, last);
      return {
        ...listKind(info),
        metadata: {
          resourceVersion: String(revision),
          continue: encodeContinue({ revision, startAfter: last!.key }),
          ...(remaining !== undefined ? { remainingItemCount: remaining } : {}),
        },
        items,
      };
    }
    if (!page.more || page.items.length === 0) break;
    startAfter = page.items[page.items.length - 1].key;
  }
  return { ...listKind(info), metadata: { resourceVersion: String(revision) }, items };
}

function countAfter(items: KeyValue[], last: KeyValue | undefined): number {
  return last ? items.length - 1 - items.indexOf(last) : 0;
}

/**
 * `resourceVersion` on a list: unset or "0" reads the latest; a number reads the latest state,
 * which is at least that new (NotOlderThan), as kube-apiserver's watch cache serves it.
 */
async function readRevision(store: Store, rv: string | undefined): Promise<number> {
  if (rv === undefined || rv === '' || rv === '0') return 0;
  const n = parseRevision(rv);
  const current = await store.currentRevision();
  if (n > current) {
    throw new BadRequestError(`Too large resource version: ${n}, current: ${current}`);
  }
  return 0;
}

export function parseRevision(rv: string): number {
  if (!/^\d+$/.test(rv)) {
    throw new BadRequestError(`invalid resource version "${rv}"`);
  }
  return Number(rv);
}

export interface WatchComponents {
  readonly store: Store;
  readonly clock: Clock;
  readonly bookmarkIntervalMs: number;
}

export async function* watchObjects(
  c: WatchComponents,
  info: ResourceInfo,
  namespace: string | undefined,
  query: WatchQuery,
  signal: AbortSignal,
): AsyncGenerator<ObjectEvent> {
  const filter = buildFilter(info, { ...query, limit: 0, continue: undefined });
  const prefix = storagePrefix(info, namespace);
  let from: number;
  const rv = query.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0' || query.sendInitialEvents) {
    const list = await listObjects(c.store, info, namespace, {
      labelSelector: query.labelSelector,
      fieldSelector: query.fieldSelector,
    });
    for (const obj of list.items) yield { type: 'ADDED', object: obj };
    from = Number(list.metadata.resourceVersion);
  } else {
    from = parseRevision(rv);
    const compacted = await c.store.compactRevision();
    if (from < compacted) throw new CompactedError(from, compacted);
  }
  yield* follow(c, info, prefix, from, filter, query, signal);
}

async function* follow(
  c: WatchComponents,
  info: ResourceInfo,
  prefix: string,
  from: number,
  filter: ObjectFilter,
  query: WatchQuery,
  outer: AbortSignal,
): AsyncGenerator<ObjectEvent> {
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  outer.addEventListener('abort', stop, { once: true });
  const timers: ReturnType<Clock['setTimeout']>[] = [];
  if (query.timeoutSeconds && query.timeoutSeconds > 0) {
    timers.push(c.clock.setTimeout(stop, query.timeoutSeconds * 1000));
  }
  const ticks = new Ticker();
  if (query.allowWatchBookmarks) {
    timers.push(c.clock.setInterval(() => ticks.tick(), c.bookmarkIntervalMs));
  }
  let last = from;
  try {
    const source = c.store.watch(prefix, from, ac.signal)[Symbol.asyncIterator]();
    let pending = source.next();
    for (;;) {
      const winner = await Promise.race([pending.then((r) => ({ r })), ticks.next()]);
      if (!('r' in winner)) {
        yield bookmark(info, last);
        continue;
      }
      if (winner.r.done) return;
      pending = source.next();
      for (const ev of winner.r.value) {
        last = ev.revision;
        const out = translate(ev, filter);
        if (out) yield out;
      }
    }
  } catch (e) {
    if (ac.signal.aborted && !isWispError(e, 'ERR_COMPACTED')) return;
    throw e;
  } finally {
    outer.removeEventListener('abort', stop);
    for (const t of timers) c.clock.clearTimeout(t);
    ac.abort();
  }
}

/** Resolves once per tick; lets the watch loop race bookmarks against store events. */
class Ticker {
  private waiting: (() => void) | undefined;
  private fired = false;
  tick(): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w();
    } else this.fired = true;
  }
  next(): Promise<{ tick: true }> {
    if (this.fired) {
      this.fired = false;
      return Promise.resolve({ tick: true });
    }
    return new Promise((resolve) => {
      this.waiting = () => resolve({ tick: true });
    });
  }
}

function bookmark(info: ResourceInfo, revision: number): ObjectEvent {
  return {
    type: 'BOOKMARK',
    object: {
      apiVersion: apiVersionOf(info),
      kind: info.kind,
      metadata: { resourceVersion: String(revision) },
    },
  };
}

/**
 * A store event as the client sees it through its selector: an update that moves an object into
 * the selection is ADDED, out of it DELETED.
 */
function translate(ev: WatchEvent, filter: ObjectFilter): ObjectEvent | undefined {
  if (ev.type === 'delete') {
    const obj = decode(ev.prev ?? ev.kv, ev.revision);
    return filter(obj) ? { type: 'DELETED', object: obj } : undefined;
  }
  const obj = decode(ev.kv);
  const now = filter(obj);
  if (ev.type === 'create') return now ? { type: 'ADDED', object: obj } : undefined;
  const before = ev.prev ? filter(decode(ev.prev)) : false;
  if (now && before) return { type: 'MODIFIED', object: obj };
  if (now) return { type: 'ADDED', object: obj };
  if (before) return { type: 'DELETED', object: obj };
  return undefined;
}
