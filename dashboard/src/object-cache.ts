/**
 * The objects of one list-and-watch, by namespace/name, kept up to date from watch events.
 * Pure: the live list feeds it; views read `items()`.
 *
 *   const cache = createObjectCache<Node>();
 *   cache.reset(list.items);
 *   cache.apply({ type: 'MODIFIED', object: node });
 */

export interface KubeObjectLike {
  readonly metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

export interface WatchEvent<T> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: T;
}

export interface ObjectCache<T extends KubeObjectLike> {
  reset(items: readonly T[]): void;
  /** Applies one event; returns whether the visible set changed (bookmarks do not). */
  apply(event: WatchEvent<T>): boolean;
  items(): T[];
}

/** Events kept for an events stream; older ones fall off. */
export const cachedObjectsMax = 5000;

export function keyOf(o: KubeObjectLike): string {
  const m = o.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

export function createObjectCache<T extends KubeObjectLike>(): ObjectCache<T> {
  const byKey = new Map<string, T>();
  return {
    reset(items) {
      byKey.clear();
      for (const o of items) byKey.set(keyOf(o), o);
    },
    apply(event) {
      if (event.type === 'ADDED' || event.type === 'MODIFIED') {
        const key = keyOf(event.object);
        // Re-inserting moves the key to the end, so the oldest entry is the first to drop.
        byKey.delete(key);
        byKey.set(key, event.object);
        if (byKey.size > cachedObjectsMax) byKey.delete(byKey.keys().next().value as string);
        return true;
      }
      if (event.type === 'DELETED') return byKey.delete(keyOf(event.object));
      return false;
    },
    items: () => [...byKey.values()],
  };
}
