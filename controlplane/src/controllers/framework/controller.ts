/**
 * The loop every controller shares (STYLE rule 7): events only enqueue keys; workers take a key,
 * call `reconcile(key)`, and on a transient error requeue it with capped back-off. A reconcile
 * may ask to be called again later (`{ requeueAfterMs }`), for deadlines and schedules.
 *
 *   const c = createController({ name: 'replicaset', workers: 2 }, { clock, reconcile });
 *   informer.onChange((key) => c.enqueue(key));
 */
import type { Clock, Startable } from '@wisp/core';
import { isWispError } from '@wisp/core';
import { WorkQueue } from './work-queue.ts';

export interface ReconcileResult {
  /** Reconcile this key again after this long even if nothing changes. */
  readonly requeueAfterMs?: number;
}

export interface ControllerInit {
  readonly name: string;
  readonly workers?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Retries of one key before a non-conflict error is logged and dropped. */
  readonly retriesMax?: number;
}

export interface ControllerComponents {
  readonly clock: Clock;
  reconcile(key: string): Promise<ReconcileResult | void>;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface Controller extends Startable {
  enqueue(key: string): void;
  enqueueAfter(key: string, ms: number): void;
  /** True when no key is queued, in flight, or waiting on back-off. */
  idle(): boolean;
  readonly name: string;
}

export function createController(init: ControllerInit, c: ControllerComponents): Controller {
  const queue = new WorkQueue(init, c.clock);
  const retriesMax = init.retriesMax ?? 15;
  const workers: Promise<void>[] = [];

  async function work(): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const result = await c.reconcile(key);
        queue.forget(key);
        if (result?.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      } catch (e) {
        // Conflicts and missing objects are the normal churn of optimistic concurrency.
        const transient = isWispError(e, 'ERR_CONFLICT') || isWispError(e, 'ERR_ALREADY_EXISTS');
        if (transient || queue.failuresOf(key) < retriesMax) queue.retry(key);
        else {
          c.log?.(`${init.name}: dropping ${key} after ${retriesMax} retries`, e);
          queue.forget(key);
        }
        if (!transient) c.log?.(`${init.name}: reconcile ${key} failed`, e);
      } finally {
        queue.done(key);
      }
    }
  }

  return {
    name: init.name,
    enqueue: (key) => queue.add(key),
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
    idle: () => queue.idle(),
    start() {
      for (let i = 0; i < (init.workers ?? 1); i++) workers.push(work());
    },
    async stop() {
      queue.shutdown();
      await Promise.all(workers.splice(0));
    },
  };
}
