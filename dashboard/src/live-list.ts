/**
 * List, then watch from the list's resourceVersion, forever: the cache is reset by each list and
 * updated by each event, and `onChange` runs after both. A watch that ends is resumed from the
 * last revision seen; an expired revision (410) or a failure lists again after a capped back-off.
 * Errors go to `onError` (the page shows them) and `onError(undefined)` clears it on recovery.
 *
 *   const stop = startLiveList({ path: '/api/v1/nodes' }, { api, clock, cache, onChange, onError });
 */
import { ApiError } from './api-client.ts';
import type { ApiClient, List } from './api-client.ts';
import type { BrowserClock } from './browser-clock.ts';
import type { KubeObjectLike, ObjectCache } from './object-cache.ts';

export interface LiveListInit {
  readonly path: string;
  readonly retryDelayMsMin?: number;
  readonly retryDelayMsMax?: number;
}

export interface LiveListComponents<T extends KubeObjectLike> {
  readonly api: ApiClient;
  readonly clock: BrowserClock;
  readonly cache: ObjectCache<T>;
  readonly onChange: () => void;
  readonly onError: (e: Error | undefined) => void;
}

class WatchExpiredError extends Error {
  readonly code = 'WATCH_EXPIRED';
}

/** Starts the loop; the returned function stops it. */
export function startLiveList<T extends KubeObjectLike>(
  init: LiveListInit,
  c: LiveListComponents<T>,
): () => void {
  const ac = new AbortController();
  const delayMin = init.retryDelayMsMin ?? 500;
  const delayMax = init.retryDelayMsMax ?? 10_000;
  void (async () => {
    let delay = delayMin;
    while (!ac.signal.aborted) {
      try {
        const list = await c.api.get<List<T>>(init.path);
        c.cache.reset(list.items);
        c.onChange();
        c.onError(undefined);
        delay = delayMin;
        let rv = list.metadata.resourceVersion ?? '0';
        for (;;) {
          rv = await watchOnce(init.path, rv, c, ac.signal);
          if (ac.signal.aborted) return;
        }
      } catch (e) {
        if (ac.signal.aborted) return;
        if (!(e instanceof WatchExpiredError)) c.onError(e as Error);
        await c.clock.sleep(delay, ac.signal);
        delay = Math.min(delay * 2, delayMax);
      }
    }
  })();
  return () => ac.abort();
}

/** Follows one watch stream; returns the last resourceVersion seen when the server ends it. */
async function watchOnce<T extends KubeObjectLike>(
  path: string,
  from: string,
  c: LiveListComponents<T>,
  signal: AbortSignal,
): Promise<string> {
  let rv = from;
  for await (const ev of c.api.watch<T>(path, rv, signal)) {
    if (ev.type === 'ERROR') {
      const status = ev.object as { code?: number; message?: string; reason?: string };
      if (status.code === 410) throw new WatchExpiredError(status.message ?? 'Gone');
      throw new ApiError(`watch ${path}: ${status.message}`, status.code ?? 0, status.reason ?? '');
    }
    rv = ev.object.metadata?.resourceVersion ?? rv;
    if (c.cache.apply(ev)) c.onChange();
  }
  return rv;
}
