/**
 * wasi:clocks monotonic-clock and wall-clock over the injected `Clock`. Pollables block the
 * worker thread with Atomics.wait, which is what a synchronous guest expects.
 */
import type { Clock } from '@wisp/core';
import { Pollable } from './io.ts';

const nsPerMs = 1_000_000;

export function monotonicClock(clock: Clock): Record<string, unknown> {
  const nowNs = (): bigint => BigInt(Math.round(clock.monotonic() * nsPerMs));
  const until = (deadlineNs: bigint): Pollable =>
    new Pollable({
      ready: () => nowNs() >= deadlineNs,
      waitMs: () => Number(deadlineNs - nowNs()) / nsPerMs,
    });
  return {
    now: nowNs,
    resolution: () => 1000n,
    subscribeInstant: (when: bigint) => until(when),
    subscribeDuration: (duration: bigint) => until(nowNs() + duration),
  };
}

export interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}

export function wallClock(clock: Clock): Record<string, unknown> {
  return {
    now: (): Datetime => {
      const ms = clock.now();
      const seconds = Math.floor(ms / 1000);
      return { seconds: BigInt(seconds), nanoseconds: Math.round((ms - seconds * 1000) * nsPerMs) };
    },
    resolution: (): Datetime => ({ seconds: 0n, nanoseconds: nsPerMs }),
  };
}
