/**
 * A list-then-watch cache of one resource, as client-go's informers: controllers and the
 * authorizer read from memory, and handlers only hear that a key changed (STYLE rule 7).
 * A watch that ends (timeout, compaction, a slow consumer) is followed by a fresh list.
 *
 *   const pods = createInformer({ resource: podsInfo }, { registry, clock });
 *   pods.onChange((key) => queue.add(key));
 *   await pods.start();
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import type { Clock } from '@wisp/core';
import type { Registry } from '../registry/registry.ts';

export interface InformerInit {
  readonly resource: ResourceInfo;
  readonly namespace?: string;
  /** Pause before re-listing after a watch failed. */
  readonly relistBackoffMs?: number;
}

export interface InformerComponents {
  readonly registry: Registry;
  readonly clock: Clock;
}

export type ChangeHandler = (
  key: string,
  obj: KubeObject | undefined,
  old: KubeObject | undefined,
) => void;

export interface Informer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Cached objects; never mutate them. */
  list(namespace?: string): KubeObject[];
  get(namespace: string | undefined, name: string): KubeObject | undefined;
  onChange(handler: ChangeHandler): void;
  /** The revision the cache reflects. */
  revision(): number;
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The inverse of `objectKey`: a key without a slash names a cluster-scoped object (''). */
export function splitObjectKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export function createInformer(init: InformerInit, components: InformerComponents): Informer {
  const { registry, clock } = components;
  const items = new Map<string, KubeObject>();
  const handlers: ChangeHandler[] = [];
  let rev = 0;
  let ac: AbortController | undefined;
  let loop: Promise<void> | undefined;

  const emit = (key: string, obj: KubeObject | undefined, old: KubeObject | undefined) => {
    for (const h of handlers) h(key, obj, old);
  };

  async function relist(): Promise<void> {
    const list = await registry.list(init.resource, init.namespace);
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = objectKey(obj.metadata.namespace, obj.metadata.name!);
      seen.add(key);
      const old = items.get(key);
      items.set(key, obj);
      if (old?.metadata.resourceVersion !== obj.metadata.resourceVersion) emit(key, obj, old);
    }
    for (const [key, old] of items) {
      if (!seen.has(key)) {
        items.delete(key);
        emit(key, undefined, old);
      }
    }
    rev = Number(list.metadata.resourceVersion);
  }

  async function follow(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const query = { resourceVersion: String(rev), allowWatchBookmarks: true };
        for await (const ev of registry.watch(init.resource, init.namespace, query, signal)) {
          rev = Number(ev.object.metadata.resourceVersion ?? rev);
          if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') continue;
          const key = objectKey(ev.object.metadata.namespace, ev.object.metadata.name!);
          const old = items.get(key);
          if (ev.type === 'DELETED') items.delete(key);
          else items.set(key, ev.object);
          emit(key, ev.type === 'DELETED' ? undefined : ev.object, old);
        }
      } catch {
        // Fall through to a fresh list: the watch may have been compacted away.
      }
      if (signal.aborted) return;
      try {
        await clock.sleep(init.relistBackoffMs ?? 200, signal);
        await relist();
      } catch {
        // The next round retries.
      }
    }
  }

  return {
    async start() {
      await relist();
      ac = new AbortController();
      loop = follow(ac.signal);
    },
    async stop() {
      ac?.abort();
      await loop?.catch(() => undefined);
    },
    list(namespace) {
      const all = [...items.values()];
      return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
    },
    get: (namespace, name) => items.get(objectKey(namespace, name)),
    onChange(handler) {
      handlers.push(handler);
    },
    revision: () => rev,
  };
}
