/**
 * A deduplicating key queue with capped exponential back-off, as client-go's rate-limited work
 * queue: a key is never processed by two workers at once, a key added while it is being
 * processed runs again afterwards, and a failing key waits longer each time up to a cap.
 */
import type { Clock, TimerHandle } from '@wisp/core';

export interface WorkQueueInit {
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

export class WorkQueue {
  private readonly clock: Clock;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, TimerHandle>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private closed = false;

  constructor(init: WorkQueueInit, clock: Clock) {
    this.clock = clock;
    this.baseMs = init.backoffBaseMs ?? 5;
    this.maxMs = init.backoffMaxMs ?? 60_000;
  }

  add(key: string): void {
    if (this.closed) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    const waiter = this.waiters.shift();
    if (waiter) {
      this.queued.delete(key);
      this.processing.add(key);
      waiter(key);
    } else this.queue.push(key);
  }

  /** Adds the key after `ms` (replacing an earlier delayed add of the same key). */
  addAfter(key: string, ms: number): void {
    if (this.closed) return;
    this.clock.clearTimeout(this.delayed.get(key));
    this.delayed.set(
      key,
      this.clock.setTimeout(() => {
        this.delayed.delete(key);
        this.add(key);
      }, ms),
    );
  }

  /** Requeues after the key's next back-off step. */
  retry(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const ms = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(n - 1, 30));
    this.addAfter(key, ms);
    return ms;
  }

  /** Forgets a key's failures (call after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to process, or undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks a key processed; a key re-added meanwhile goes back on the queue. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  length(): number {
    return this.queue.length;
  }

  /** True when nothing is queued, processing or waiting on a timer. */
  idle(): boolean {
    return this.queue.length === 0 && this.processing.size === 0 && this.delayed.size === 0;
  }

  shutdown(): void {
    this.closed = true;
    for (const t of this.delayed.values()) this.clock.clearTimeout(t);
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
