/**
 * Read-your-writes for controllers that decide from informer caches. After a reconcile writes an
 * object, the next reconcile of the same key waits until the cache of that resource has seen the
 * write's revision; a cache one event behind would otherwise make the controller create, delete
 * or count the same pod twice. client-go guards this with per-owner expectations; one store
 * revision per write lets us do it exactly, and a lost event cannot wedge a key, since a relist
 * moves the cache past every revision written before it.
 *
 *   const created = await registry.create(PODS, ns, pod);
 *   barrier.wrote(key, pods, created.metadata.resourceVersion);
 *   ...
 *   if (!barrier.caughtUp(key)) return { requeueAfterMs: 1000 };
 */
import type { Informer } from '../../../informer/informer.ts';

export interface CacheBarrier {
  /** Remembers that reconciling `key` wrote `resourceVersion` of the informer's resource. */
  wrote(key: string, informer: Informer, resourceVersion: string | undefined): void;
  /** True when every cache `key` wrote through has reached its write. */
  caughtUp(key: string): boolean;
  forget(key: string): void;
}

export function createCacheBarrier(): CacheBarrier {
  const pending = new Map<string, Map<Informer, number>>();
  return {
    wrote(key, informer, resourceVersion) {
      const rv = Number(resourceVersion);
      if (!Number.isFinite(rv) || rv <= 0) return;
      let byInformer = pending.get(key);
      if (!byInformer) pending.set(key, (byInformer = new Map()));
      byInformer.set(informer, Math.max(rv, byInformer.get(informer) ?? 0));
    },
    caughtUp(key) {
      const byInformer = pending.get(key);
      if (!byInformer) return true;
      for (const [informer, rv] of byInformer) {
        if (informer.revision() < rv) return false;
        byInformer.delete(informer);
      }
      pending.delete(key);
      return true;
    },
    forget(key) {
      pending.delete(key);
    },
  };
}
