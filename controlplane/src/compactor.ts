/**
 * Forgets old store history on a timer, as kube-apiserver's compactor does: each tick compacts
 * up to the revision seen one tick earlier, so every watcher has at least one interval to catch
 * up before it gets `410 Gone`.
 */
import type { Clock, Store, Startable, TimerHandle } from '@wisp/core';

export interface CompactorInit {
  /** Default five minutes, as upstream. */
  readonly intervalMs?: number;
}

export interface CompactorComponents {
  readonly store: Store;
  readonly clock: Clock;
  readonly onError?: (e: unknown) => void;
}

export function createCompactor(
  init: CompactorInit,
  c: CompactorComponents,
): Startable & {
  tick(): Promise<void>;
} {
  const intervalMs = init.intervalMs ?? 5 * 60_000;
  let previous = 0;
  let timer: TimerHandle | undefined;
  let running: Promise<void> = Promise.resolve();
  async function tick(): Promise<void> {
    const current = await c.store.currentRevision();
    if (previous > (await c.store.compactRevision())) await c.store.compact(previous);
    previous = current;
  }
  return {
    tick,
    start() {
      timer = c.clock.setInterval(() => {
        running = running.then(tick).catch((e) => c.onError?.(e));
      }, intervalMs);
    },
    async stop() {
      c.clock.clearInterval(timer);
      await running;
    },
  };
}
