/**
 * How a workload reconcile starts: find the owner in its cache (when it is gone, the barrier
 * forgets the key), wait while the caches lag behind this key's own writes (see
 * cache-barrier.ts), and hand `sync` a copy, since an object read from a cache is never mutated.
 *
 *   const reconcile = reconcileCached({ informer: sets, barrier }, (key, set) => sync(key, set));
 */
import type { KubeObject } from '@wisp/api';
import { splitObjectKey, type Informer } from '../../../informer/informer.ts';
import type { ReconcileResult } from '../../framework/controller.ts';
import type { CacheBarrier } from './cache-barrier.ts';

export interface CachedReconcileInit {
  /** The owners' cache. */
  readonly informer: Informer;
  readonly barrier: CacheBarrier;
  /** How soon a key whose caches lag behind its writes is looked at again (default 1000). */
  readonly cacheRecheckMs?: number;
  /** Lets go of what else the controller keeps for a key whose owner is gone. */
  readonly onGone?: (key: string) => void;
}

export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

export function reconcileCached<T extends KubeObject>(
  init: CachedReconcileInit,
  sync: (key: string, owner: T) => Promise<ReconcileResult | void>,
): Reconcile {
  const { informer, barrier } = init;
  const recheckMs = init.cacheRecheckMs ?? 1000;
  return async (key) => {
    const { namespace, name } = splitObjectKey(key);
    const cached = informer.get(namespace, name) as T | undefined;
    if (!cached) {
      barrier.forget(key);
      init.onGone?.(key);
      return;
    }
    if (!barrier.caughtUp(key)) return { requeueAfterMs: recheckMs };
    return sync(key, structuredClone(cached));
  };
}
