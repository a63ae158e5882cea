/**
 * A Clock that moves only when a test says so. Timers fire in due order (ties in the order they
 * were set), intervals re-arm, sleeps resolve and timeout signals abort, all inside `advance`.
 *
 *   const clock = new FakeClock({ nowMs: Date.UTC(2025, 0, 1) });
 *   const slept = clock.sleep(1000);
 *   clock.advance(1000); // slept resolves
 */
import type { Clock, TimerHandle } from '@wisp/core';

/** 2025-01-01T00:00:00Z: a fixed, readable default start. */
const DEFAULT_NOW_MS = 1_735_689_600_000;

export interface FakeClockInit {
  /** Wall-clock start, milliseconds since the epoch. */
  readonly nowMs?: number;
  /** Monotonic start, milliseconds. */
  readonly monotonicMs?: number;
}

export interface PendingTimer {
  readonly id: number;
  /** Monotonic time the timer fires at. */
  readonly dueMs: number;
  /** Set for intervals. */
  readonly intervalMs?: number;
}

interface Timer extends PendingTimer {
  readonly seq: number;
  readonly fn: () => void;
}

export class FakeClock implements Clock {
  #wallOffsetMs: number;
  #monotonicMs: number;
  #nextId = 1;
  #nextSeq = 1;
  readonly #timers = new Map<number, Timer>();

  constructor(init: FakeClockInit = {}) {
    this.#monotonicMs = init.monotonicMs ?? 0;
    this.#wallOffsetMs = (init.nowMs ?? DEFAULT_NOW_MS) - this.#monotonicMs;
  }

  now(): number {
    return this.#wallOffsetMs + this.#monotonicMs;
  }

  monotonic(): number {
    return this.#monotonicMs;
  }

  /** Steps the wall clock (as NTP would) without moving monotonic time or firing timers. */
  setNow(nowMs: number): void {
    this.#wallOffsetMs = nowMs - this.#monotonicMs;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.#add(fn, ms, undefined);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.#timers.delete(handle.id);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    // Node runs a 0 ms interval every 1 ms; doing the same keeps advance() finite.
    return this.#add(fn, ms, Math.max(1, delay(ms)));
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = (): void => {
        this.clearTimeout(handle);
        reject(signal?.reason);
      };
      const handle = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  timeoutSignal(ms: number): AbortSignal {
    const controller = new AbortController();
    this.setTimeout(() => {
      controller.abort(
        new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      );
    }, ms);
    return controller.signal;
  }

  /** Timers not yet fired (intervals stay until cleared), soonest first. */
  pendingTimers(): PendingTimer[] {
    return this.#ordered().map(({ id, dueMs, intervalMs }) =>
      intervalMs === undefined ? { id, dueMs } : { id, dueMs, intervalMs },
    );
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way at its own time,
   * including timers that callbacks set within the window.
   */
  advance(ms: number): void {
    const target = this.#monotonicMs + delay(ms);
    for (let timer = this.#due(target); timer; timer = this.#due(target)) {
      this.#monotonicMs = timer.dueMs;
      this.#fire(timer);
    }
    this.#monotonicMs = target;
  }

  /**
   * As `advance`, but lets promise callbacks run after each timer, so code that awaits a sleep
   * and then sets the next timer sees it fire within the same window.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.#monotonicMs + delay(ms);
    await settle();
    for (let timer = this.#due(target); timer; timer = this.#due(target)) {
      this.#monotonicMs = timer.dueMs;
      this.#fire(timer);
      await settle();
    }
    this.#monotonicMs = target;
  }

  #add(fn: () => void, ms: number, intervalMs: number | undefined): TimerHandle {
    const id = this.#nextId++;
    const dueMs = this.#monotonicMs + (intervalMs ?? delay(ms));
    this.#timers.set(id, { id, dueMs, intervalMs, seq: this.#nextSeq++, fn });
    return { id };
  }

  #fire(timer: Timer): void {
    if (timer.intervalMs === undefined) this.#timers.delete(timer.id);
    else {
      const dueMs = timer.dueMs + timer.intervalMs;
      this.#timers.set(timer.id, { ...timer, dueMs, seq: this.#nextSeq++ });
    }
    timer.fn();
  }

  /** A linear scan: cheaper than keeping a heap for the few timers a test sets. */
  #due(target: number): Timer | undefined {
    let first: Timer | undefined;
    for (const t of this.#timers.values()) {
      if (!first || t.dueMs < first.dueMs || (t.dueMs === first.dueMs && t.seq < first.seq)) {
        first = t;
      }
    }
    return first && first.dueMs <= target ? first : undefined;
  }

  #ordered(): Timer[] {
    return [...this.#timers.values()].sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq);
  }
}

function delay(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/**
 * One turn of the event loop: every promise callback queued so far runs first. Not a timer;
 * nothing here waits on real time.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
