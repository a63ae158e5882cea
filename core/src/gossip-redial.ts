/**
 * Keeps a node connected to its bootstrap addresses (the control plane, a site relay): dials each
 * at start, and again whenever its peer drops, with capped exponential back-off and jitter so a
 * fleet does not stampede a restarted server. Runs forever: a site may be offline for days.
 */
import type { Clock, TimerHandle } from './clock.ts';
import { peerIdOfAddress } from './gossip-host.ts';
import type { Random } from './random.ts';

export interface RedialInit {
  readonly bootstrap: readonly string[];
  /** First retry after this long; doubles per failure. */
  readonly redialIntervalMs: number;
  readonly redialBackoffMaxMs: number;
}

export interface RedialComponents {
  readonly clock: Clock;
  readonly random: Random;
  dial(address: string): Promise<string>;
  isConnected(peer: string): boolean;
  readonly onError?: (e: unknown) => void;
}

interface Target {
  readonly address: string;
  readonly peer: string | undefined;
  failures: number;
  timer: TimerHandle | undefined;
}

export class Redialer {
  readonly #init: RedialInit;
  readonly #c: RedialComponents;
  readonly #targets: Target[];
  #running = false;

  constructor(init: RedialInit, components: RedialComponents) {
    this.#init = init;
    this.#c = components;
    this.#targets = init.bootstrap.map((address) => ({
      address,
      peer: peerIdOfAddress(address),
      failures: 0,
      timer: undefined,
    }));
  }

  start(): void {
    this.#running = true;
    for (const t of this.#targets) this.#schedule(t, 0);
  }

  stop(): void {
    this.#running = false;
    for (const t of this.#targets) {
      this.#c.clock.clearTimeout(t.timer);
      t.timer = undefined;
    }
  }

  /** A connection to `peer` closed: redial every bootstrap address that names it. */
  peerDisconnected(peer: string): void {
    for (const t of this.#targets) {
      if (t.peer === peer && t.timer === undefined) this.#schedule(t, this.#backoff(t));
    }
  }

  #schedule(t: Target, ms: number): void {
    if (!this.#running) return;
    this.#c.clock.clearTimeout(t.timer);
    t.timer = this.#c.clock.setTimeout(() => {
      t.timer = undefined;
      void this.#attempt(t);
    }, ms);
  }

  async #attempt(t: Target): Promise<void> {
    if (!this.#running || (t.peer !== undefined && this.#c.isConnected(t.peer))) return;
    try {
      await this.#c.dial(t.address);
      t.failures = 0;
    } catch (e) {
      t.failures++;
      this.#c.onError?.(e);
      this.#schedule(t, this.#backoff(t));
    }
  }

  #backoff(t: Target): number {
    const base = Math.min(
      this.#init.redialIntervalMs * 2 ** Math.min(t.failures, 30),
      this.#init.redialBackoffMaxMs,
    );
    return Math.round(base * (0.5 + this.#c.random.float() / 2));
  }
}
