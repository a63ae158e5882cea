/**
 * Watches over a revision log, shared by the SQLite and memory stores. A new watch first pages through the log (pulled by its consumer,
 * so a long catch-up holds no memory), then, in the same synchronous step that finds it has
 * reached the current revision, joins the live broadcast. Commits and that step never
 * interleave, so there is no gap and no duplicate at the seam. Live events queue per watcher up
 * to `watchQueueEventsMax`; a watcher that falls further behind is ended with TooSlowError.
 */
import { ClosedError, CompactedError, TooSlowError } from './errors.ts';
import type { WatchEvent } from './store.ts';

export interface WatchLog {
  currentRevision(): number;
  compactRevision(): number;
  /** Events under `prefix` with after < revision <= upto, oldest first, at most `eventsMax`. */
  read(prefix: string, after: number, upto: number, eventsMax: number): WatchEvent[];
}

export interface WatchHubInit {
  /** Live events queued for one watcher before it is ended as too slow. */
  readonly watchQueueEventsMax: number;
  /** Events per batch while catching up from the log. */
  readonly catchUpPageEventsMax: number;
}

export class WatchHub {
  readonly log: WatchLog;
  readonly init: WatchHubInit;
  readonly streams = new Set<WatchStream>();
  readonly live = new Set<WatchStream>();
  #closed = false;

  constructor(log: WatchLog, init: WatchHubInit) {
    this.log = log;
    this.init = init;
  }

  open(
    prefix: string,
    afterRevision: number,
    signal: AbortSignal,
  ): AsyncIterableIterator<WatchEvent[]> {
    if (this.#closed) throw new ClosedError('store closed');
    const compact = this.log.compactRevision();
    if (afterRevision < compact) throw new CompactedError(afterRevision, compact);
    return new WatchStream(this, prefix, afterRevision, signal);
  }

  /** Called after every commit, in revision order. */
  publish(events: readonly WatchEvent[]): void {
    if (events.length === 0) return;
    for (const stream of this.live) stream.offer(events);
  }

  close(): void {
    this.#closed = true;
    for (const stream of this.streams) stream.fail(new ClosedError('store closed'));
  }
}

class WatchStream implements AsyncIterableIterator<WatchEvent[]> {
  readonly #hub: WatchHub;
  readonly #prefix: string;
  readonly #signal: AbortSignal;
  readonly #onAbort = (): void => this.end();
  /** The revision of the last event handed to the consumer or queued for it. */
  #cursor: number;
  #live = false;
  #queue: WatchEvent[] = [];
  #done = false;
  #error: unknown;
  #wake: (() => void) | undefined;

  constructor(hub: WatchHub, prefix: string, afterRevision: number, signal: AbortSignal) {
    this.#hub = hub;
    this.#prefix = prefix;
    this.#cursor = afterRevision;
    this.#signal = signal;
    if (signal.aborted) {
      this.#done = true;
      return;
    }
    hub.streams.add(this);
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<WatchEvent[]> {
    return this;
  }

  /** One caller at a time: a second concurrent next() is not supported. */
  async next(): Promise<IteratorResult<WatchEvent[], undefined>> {
    for (;;) {
      if (this.#error !== undefined) {
        const error = this.#error;
        this.#error = undefined;
        throw error;
      }
      if (this.#done) return { done: true, value: undefined };
      if (!this.#live) {
        const page = this.#catchUp();
        if (page.length > 0) return { done: false, value: page };
        continue;
      }
      if (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        return { done: false, value: batch };
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<WatchEvent[], undefined>> {
    this.end();
    return { done: true, value: undefined };
  }

  /** Reads the next page of history, or joins the broadcast once there is none left. */
  #catchUp(): WatchEvent[] {
    const { log, init } = this.#hub;
    try {
      const compact = log.compactRevision();
      if (this.#cursor < compact) throw new CompactedError(this.#cursor, compact);
      const current = log.currentRevision();
      if (this.#cursor >= current) {
        this.#live = true;
        this.#hub.live.add(this);
        return [];
      }
      const page = log.read(this.#prefix, this.#cursor, current, init.catchUpPageEventsMax);
      const full = page.length >= init.catchUpPageEventsMax;
      this.#cursor = full ? page[page.length - 1].revision : current;
      return page;
    } catch (e) {
      this.fail(e);
      return [];
    }
  }

  offer(events: readonly WatchEvent[]): void {
    for (const event of events) {
      if (event.revision <= this.#cursor || !event.kv.key.startsWith(this.#prefix)) continue;
      this.#queue.push(event);
      this.#cursor = event.revision;
    }
    const max = this.#hub.init.watchQueueEventsMax;
    if (this.#queue.length > max) this.fail(new TooSlowError(max));
    else if (this.#queue.length > 0) this.#wakeUp();
  }

  fail(error: unknown): void {
    if (this.#done) return;
    this.#error = error;
    this.end();
  }

  end(): void {
    this.#done = true;
    this.#queue = [];
    this.#hub.streams.delete(this);
    this.#hub.live.delete(this);
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
