/**
 * The wait before a Job replaces failed pods, as upstream's backoff records: 10 s after the first
 * failure since the last success, doubling per further failure, capped (10 min by default).
 * Kept in memory: after a restart the first new failure starts the count again.
 */
import type { Clock } from '@wisp/core';

export interface PodFailureBackoffInit {
  readonly podFailureBackoffBaseMs?: number;
  readonly podFailureBackoffMaxMs?: number;
}

interface Record {
  failures: number;
  lastFailureMs: number;
}

export class PodFailureBackoff {
  readonly #clock: Clock;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #records = new Map<string, Record>();

  constructor(init: PodFailureBackoffInit, clock: Clock) {
    this.#clock = clock;
    this.#baseMs = init.podFailureBackoffBaseMs ?? 10_000;
    this.#maxMs = init.podFailureBackoffMaxMs ?? 10 * 60_000;
  }

  /** Notes newly counted pods of the Job at `key`. */
  observe(key: string, failures: number, successes: number): void {
    if (successes > 0) this.#records.delete(key);
    if (failures === 0) return;
    const r = this.#records.get(key) ?? { failures: 0, lastFailureMs: 0 };
    r.failures += failures;
    r.lastFailureMs = this.#clock.now();
    this.#records.set(key, r);
  }

  remainingMs(key: string): number {
    const r = this.#records.get(key);
    if (!r) return 0;
    const waitMs = Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(r.failures - 1, 30));
    return Math.max(0, r.lastFailureMs + waitMs - this.#clock.now());
  }

  forget(key: string): void {
    this.#records.delete(key);
  }
}
