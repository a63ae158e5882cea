/**
 * Back-off for replacing failed daemon pods, per DaemonSet and node, as upstream's
 * failedPodsBackoff: an agent that keeps rejecting a pod must not make the controller delete and
 * recreate it in a hot loop. Entries idle for twice the cap start again from the base.
 */
import type { Clock } from '@wisp/core';

export interface FailedPodBackoffInit {
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

interface Entry {
  delayMs: number;
  lastUpdateMs: number;
}

export class FailedPodBackoff {
  readonly #clock: Clock;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #entries = new Map<string, Entry>();

  constructor(init: FailedPodBackoffInit, clock: Clock) {
    this.#clock = clock;
    this.#baseMs = init.backoffBaseMs ?? 1000;
    this.#maxMs = init.backoffMaxMs ?? 15 * 60_000;
  }

  /** How long until `key` may act again (0 when it may act now). */
  remainingMs(key: string): number {
    const e = this.#entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.lastUpdateMs + e.delayMs - this.#clock.monotonic());
  }

  /** Records an action on `key` and lengthens its next wait. */
  next(key: string): void {
    const now = this.#clock.monotonic();
    const e = this.#entries.get(key);
    if (!e || now - e.lastUpdateMs > 2 * this.#maxMs) {
      this.#entries.set(key, { delayMs: this.#baseMs, lastUpdateMs: now });
      return;
    }
    e.delayMs = Math.min(e.delayMs * 2, this.#maxMs);
    e.lastUpdateMs = now;
  }

  /** Forgets entries idle for twice the cap, so the map does not grow with departed nodes. */
  gc(): void {
    const now = this.#clock.monotonic();
    for (const [k, e] of this.#entries) {
      if (now - e.lastUpdateMs > 2 * this.#maxMs) this.#entries.delete(k);
    }
  }
}
