/**
 * Instance worker threads started ahead of need, so a pod's start does not wait for a thread to
 * boot and load the host (tens of ms, far more under load). Spares are kept per JS heap cap (a
 * thread's resource limits are fixed when it starts), only for caps asked for recently, a
 * bounded number per cap; a taken spare is replaced once its instance is up (so the new thread
 * does not compete with the start it is meant to speed up). Spares of a cap nobody asked for in
 * `idleMs` are ended. A spare holds nothing of any instance until its job arrives (it may load
 * the jco bindings of the component last started with its cap), and every thread runs one
 * instance only.
 *
 *   const spares = createSpareWorkers({}, { clock });
 *   runCommand(spec, { clock, modules, spares });
 *   await spares.close(); // the owner ends them: the idle timer keeps the process alive
 */
import type { Clock, TimerHandle } from '@wisp/core';
import {
  spawnInstanceThread,
  type InstanceThread,
  type ThreadSource,
  type WorkerLimits,
} from './instance-thread.ts';

export interface SpareWorkersInit {
  /** Spares kept ready per JS heap cap. */
  readonly sparesPerKeyMax?: number;
  /** Distinct heap caps with spares; the least recently asked for loses its spares past this. */
  readonly keysMax?: number;
  /** Spares of a heap cap nobody took for this long are ended. */
  readonly idleMs?: number;
  /**
   * Where threads keep V8's compiled code of the host and of jco's bindings between starts
   * (node:module compile cache); default: none, every thread compiles afresh.
   */
  readonly compileCacheDir?: string;
}

export interface SpareWorkersStats {
  /** Takes served by a spare. */
  hits: number;
  /** Takes that had to start a thread of their own. */
  misses: number;
  /** Spares started. */
  started: number;
  /** Spares ended unused (idle, evicted, closed, or died). */
  released: number;
}

export interface SpareWorkers extends ThreadSource {
  readonly stats: SpareWorkersStats;
  /** Spares currently started (booting or ready). */
  readonly size: number;
  /** Starts spares for `limits` now (e.g. the default pod memory cap when the agent starts). */
  prestart(limits: WorkerLimits): void;
  /** Resolves once every spare started so far has loaded (or is gone). */
  settled(): Promise<void>;
  /** Ends every spare; later takes start threads of their own. */
  close(): Promise<void>;
}

interface Key {
  readonly id: number;
  readonly limits: WorkerLimits;
  readonly spares: InstanceThread[];
  lastTakenMs: number;
  /** The component last started with these limits: the next one likely is the same. */
  lastComponentDir?: string;
}

/**
 * Two per cap: an http pod starts a pool of two instances by default. About 23 MB of RSS each,
 * so at most 4 spares (~92 MB) while pods start, none once none has started for two minutes.
 */
export const spareWorkersDefaults = { sparesPerKeyMax: 2, keysMax: 2, idleMs: 120_000 } as const;

/** Messages after which an instance is up: its replacement spare may start booting. */
const upMessages = new Set(['instance-started', 'instance-exit', 'http-ready']);

export function createSpareWorkers(
  init: SpareWorkersInit,
  deps: { readonly clock: Clock },
): SpareWorkers {
  return new SparePool(init, deps.clock);
}

class SparePool implements SpareWorkers {
  readonly stats: SpareWorkersStats = { hits: 0, misses: 0, started: 0, released: 0 };
  readonly #perKeyMax: number;
  readonly #keysMax: number;
  readonly #idleMs: number;
  readonly #compileCacheDir: string | undefined;
  readonly #clock: Clock;
  /** Least recently asked for first. */
  readonly #keys = new Map<number, Key>();
  /** Undoes a spare's own listeners when it is taken or released. */
  readonly #detach = new Map<InstanceThread, () => void>();
  #sweep: TimerHandle | undefined;
  #closed = false;

  constructor(init: SpareWorkersInit, clock: Clock) {
    this.#perKeyMax = init.sparesPerKeyMax ?? spareWorkersDefaults.sparesPerKeyMax;
    this.#keysMax = init.keysMax ?? spareWorkersDefaults.keysMax;
    this.#idleMs = init.idleMs ?? spareWorkersDefaults.idleMs;
    this.#compileCacheDir = init.compileCacheDir;
    this.#clock = clock;
  }

  get size(): number {
    let n = 0;
    for (const key of this.#keys.values()) n += key.spares.length;
    return n;
  }

  take(limits: WorkerLimits, componentDir?: string): InstanceThread {
    if (this.#closed) return this.#miss(limits);
    const key = this.#keyFor(limits);
    if (componentDir !== undefined) key.lastComponentDir = componentDir;
    const spare = key.spares.shift();
    if (!spare) {
      const thread = this.#miss(limits);
      this.#fillWhenUp(thread, key);
      return thread;
    }
    this.stats.hits++;
    this.#detach.get(spare)?.();
    spare.worker.ref();
    this.#fillWhenUp(spare, key);
    return spare;
  }

  prestart(limits: WorkerLimits): void {
    if (this.#closed) return;
    this.#fill(this.#keyFor(limits));
  }

  async settled(): Promise<void> {
    const spares = [...this.#keys.values()].flatMap((k) => k.spares);
    await Promise.all(spares.map((t) => t.ready));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#clock.clearTimeout(this.#sweep);
    this.#sweep = undefined;
    await Promise.all([...this.#keys.keys()].map((id) => this.#dropKey(id)));
  }

  #boot(limits: WorkerLimits, spare: boolean, preloadDir?: string): InstanceThread {
    const cacheDir = this.#compileCacheDir;
    return spawnInstanceThread(limits, {
      spare,
      ...(preloadDir === undefined ? {} : { preloadDir }),
      ...(cacheDir === undefined ? {} : { compileCacheDir: cacheDir }),
    });
  }

  #miss(limits: WorkerLimits): InstanceThread {
    this.stats.misses++;
    return this.#boot(limits, false);
  }

  #fillWhenUp(thread: InstanceThread, key: Key): void {
    const { worker } = thread;
    const up = (): void => {
      worker.off('message', onMessage);
      worker.off('exit', up);
      this.#fill(key);
    };
    const onMessage = (m: { type?: unknown } | undefined): void => {
      if (upMessages.has(m?.type as string)) up();
    };
    worker.on('message', onMessage);
    worker.on('exit', up);
  }

  #fill(key: Key): void {
    if (this.#closed || this.#keys.get(key.id) !== key) return;
    while (key.spares.length < this.#perKeyMax) this.#addSpare(key);
    this.#armSweep();
  }

  #addSpare(key: Key): void {
    const thread = this.#boot(key.limits, true, key.lastComponentDir);
    this.stats.started++;
    // An idle spare must not keep the process alive; the taker refs it.
    thread.worker.unref();
    const gone = (): void => {
      const at = key.spares.indexOf(thread);
      if (at < 0) return;
      key.spares.splice(at, 1);
      this.#detach.get(thread)?.();
      this.stats.released++;
    };
    thread.worker.on('error', gone);
    thread.worker.on('exit', gone);
    this.#detach.set(thread, () => {
      this.#detach.delete(thread);
      thread.worker.off('error', gone);
      thread.worker.off('exit', gone);
    });
    key.spares.push(thread);
  }

  async #dropKey(id: number): Promise<void> {
    const key = this.#keys.get(id);
    if (!key) return;
    this.#keys.delete(id);
    await Promise.all(
      key.spares.splice(0).map((thread) => {
        this.#detach.get(thread)?.();
        this.stats.released++;
        return thread.worker.terminate();
      }),
    );
  }

  #keyFor(limits: WorkerLimits): Key {
    const id = limits.maxOldGenerationSizeMb;
    const key = this.#keys.get(id) ?? { id, limits: { ...limits }, spares: [], lastTakenMs: 0 };
    this.#keys.delete(id);
    this.#keys.set(id, key);
    key.lastTakenMs = this.#clock.monotonic();
    while (this.#keys.size > this.#keysMax) void this.#dropKey(this.#keys.keys().next().value!);
    return key;
  }

  #armSweep(): void {
    if (this.#sweep !== undefined || this.#closed || this.#keys.size === 0) return;
    const oldest = Math.min(...[...this.#keys.values()].map((k) => k.lastTakenMs));
    const waitMs = Math.max(0, oldest + this.#idleMs - this.#clock.monotonic());
    this.#sweep = this.#clock.setTimeout(() => {
      this.#sweep = undefined;
      const now = this.#clock.monotonic();
      for (const [id, key] of this.#keys) {
        if (now - key.lastTakenMs >= this.#idleMs) void this.#dropKey(id);
      }
      this.#armSweep();
    }, waitMs);
  }
}
