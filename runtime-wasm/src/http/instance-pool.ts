/**
 * A fixed number of instance workers, each answering one request at a time, with a bounded
 * queue in front. A request past its deadline gets a 504 and its worker is terminated; a trap
 * gets a 500 and its worker is dropped; either way a fresh worker takes the slot. If every
 * worker is gone and none could be started (e.g. OOM at instantiate), the pool has exited.
 */
import type { Clock } from '@wisp/core';
import type { InstanceExit } from './instance-worker.ts';
import type { ServeReply, ServeRequest } from './messages.ts';

/** What the pool needs of an instance worker (InstanceWorker; a fake in tests). */
export interface PoolWorker {
  readonly ready: Promise<void>;
  readonly exit: Promise<InstanceExit>;
  run(req: JobRequest): Promise<ServeReply>;
  terminate(exit: InstanceExit): Promise<void>;
}
type InstanceWorker = PoolWorker;

export interface PoolLimits {
  readonly poolSize: number;
  /** Requests waiting for a free instance; one more gets a 503. */
  readonly queueDepthMax: number;
  /** Per request, from dispatch to an instance until its response. */
  readonly deadlineMs: number;
}

const errorExit = (message: string): InstanceExit => ({ exitCode: 1, reason: 'Error', message });

export type JobRequest = Omit<ServeRequest, 'type' | 'id'>;

export type JobOutcome =
  | { kind: 'response'; status: number; headers: [string, string][]; body: Uint8Array }
  | { kind: 'failed'; status: 500 | 503 | 504; message: string };

interface Job {
  readonly req: JobRequest;
  readonly resolve: (outcome: JobOutcome) => void;
  cancelled: boolean;
}

export interface PoolStats {
  /** Workers that instantiated the component and became ready. */
  instantiations: number;
  /** Workers started to replace one that trapped, timed out or died. */
  restarts: number;
  served: number;
  failed: number;
  timedOut: number;
  /** Instances that trapped at their memory cap while handling a request. */
  oomKilled: number;
  /** Requests turned away with 503 because the queue was full or the pool was closing. */
  rejected: number;
}

export class InstancePool {
  readonly stats: PoolStats = {
    instantiations: 0,
    restarts: 0,
    served: 0,
    failed: 0,
    timedOut: 0,
    oomKilled: 0,
    rejected: 0,
  };
  readonly exited: Promise<InstanceExit>;
  readonly #newWorker: () => InstanceWorker;
  readonly #limits: PoolLimits;
  readonly #clock: Clock;
  /** Every worker not yet exited, starting ones included. */
  readonly #all = new Set<InstanceWorker>();
  readonly #live = new Set<InstanceWorker>();
  readonly #idle: InstanceWorker[] = [];
  readonly #busy = new Set<InstanceWorker>();
  /** Being terminated after a trap or deadline; replaced once they are gone. */
  readonly #retiring = new Set<InstanceWorker>();
  readonly #queue: Job[] = [];
  readonly #idleWaiters: (() => void)[] = [];
  readonly #resolveExit: (exit: InstanceExit) => void;
  #starting = 0;
  #closed = false;
  #lastFailure: InstanceExit | undefined;

  constructor(newWorker: () => InstanceWorker, limits: PoolLimits, clock: Clock) {
    this.#newWorker = newWorker;
    this.#limits = limits;
    this.#clock = clock;
    const exit = Promise.withResolvers<InstanceExit>();
    this.exited = exit.promise;
    this.#resolveExit = exit.resolve;
  }

  /** Starts every slot; resolves once each has become ready or failed. */
  /**
   * Resolves once the first instance is up (requests queue for it meanwhile; the others join as
   * they come), or once every instance failed to start.
   */
  async start(): Promise<void> {
    const slots = Array.from({ length: this.#limits.poolSize }, () => this.#spawn());
    await Promise.any(slots.map((w) => w.ready)).catch(() => undefined);
  }

  /** `undefined` when the request is turned away (queue full or pool closed). */
  submit(req: JobRequest): { outcome: Promise<JobOutcome>; cancel(): void } | undefined {
    const full = this.#idle.length === 0 && this.#queue.length >= this.#limits.queueDepthMax;
    if (this.#closed || full) {
      this.stats.rejected++;
      return undefined;
    }
    const done = Promise.withResolvers<JobOutcome>();
    const job: Job = { req, resolve: done.resolve, cancelled: false };
    this.#queue.push(job);
    this.#dispatch();
    return { outcome: done.promise, cancel: () => void (job.cancelled = true) };
  }

  /** Resolves when no request is queued or running. */
  whenIdle(): Promise<void> {
    if (this.#busy.size === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  get inFlight(): number {
    return this.#busy.size;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Stops taking requests, turns the queued ones away, ends every worker. */
  async close(exit: InstanceExit): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#turnAway(job, 'service is shutting down');
    this.#resolveExit(exit);
    await Promise.all([...this.#all].map((w) => w.terminate(exit)));
    this.#notifyIdle();
  }

  #spawn(): InstanceWorker {
    const w = this.#newWorker();
    this.#all.add(w);
    this.#starting++;
    w.ready.then(
      () => {
        this.#starting--;
        this.stats.instantiations++;
        this.#live.add(w);
        this.#makeIdle(w);
      },
      () => {
        this.#starting--;
      },
    );
    void w.exit.then((exit) => this.#onExit(w, exit));
    return w;
  }

  #onExit(w: InstanceWorker, exit: InstanceExit): void {
    this.#all.delete(w);
    const wasLive = this.#live.delete(w) || this.#retiring.delete(w);
    const at = this.#idle.indexOf(w);
    if (at >= 0) this.#idle.splice(at, 1);
    if (this.#closed) return;
    if (wasLive) {
      // It served before: a fresh instance takes the slot.
      this.stats.restarts++;
      this.#spawn();
      return;
    }
    this.#lastFailure = exit;
    if (this.#live.size === 0 && this.#starting === 0) void this.close(this.#lastFailure);
  }

  #makeIdle(w: InstanceWorker): void {
    if (this.#closed || !this.#live.has(w)) return;
    this.#idle.push(w);
    this.#dispatch();
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      if (job.cancelled) continue;
      void this.#run(this.#idle.pop()!, job);
    }
    this.#notifyIdle();
  }

  async #run(w: InstanceWorker, job: Job): Promise<void> {
    this.#busy.add(w);
    let timedOut = false;
    const ms = this.#limits.deadlineMs;
    const timer = this.#clock.setTimeout(() => {
      timedOut = true;
      this.stats.timedOut++;
      job.resolve({
        kind: 'failed',
        status: 504,
        message: `handler exceeded its ${ms} ms deadline`,
      });
      this.#retire(w, { exitCode: 137, reason: 'DeadlineExceeded', message: 'request deadline' });
    }, ms);
    const reply = await w.run(job.req);
    this.#clock.clearTimeout(timer);
    this.#busy.delete(w);
    if (!timedOut) {
      if (reply.type === 'http-response') {
        this.stats.served++;
        job.resolve({ kind: 'response', ...reply });
      } else {
        this.stats.failed++;
        const message = reply.type === 'http-failed' ? reply.message : 'unexpected reply';
        job.resolve({ kind: 'failed', status: 500, message });
        if (reply.type !== 'http-failed' || reply.trapped) {
          const exit = (reply.type === 'http-failed' && reply.exit) || errorExit(message);
          if (exit.reason === 'OOMKilled') this.stats.oomKilled++;
          this.#retire(w, exit);
        }
      }
    }
    this.#makeIdle(w);
    this.#notifyIdle();
  }

  /** Takes `w` out of service at once (so no request reaches it) and terminates it. */
  #retire(w: InstanceWorker, exit: InstanceExit): void {
    if (!this.#live.delete(w)) return;
    this.#retiring.add(w);
    void w.terminate(exit);
  }

  #turnAway(job: Job, message: string): void {
    this.stats.rejected++;
    job.resolve({ kind: 'failed', status: 503, message });
  }

  #notifyIdle(): void {
    if (this.#busy.size > 0 || this.#queue.length > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
