/**
 * Test helpers for the PKI and auth tests: a clock that only moves when told, and a fresh
 * temporary directory per test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@wisp/core';

export interface ManualClock extends Clock {
  advance(ms: number): void;
}

/** 2030-01-01T00:00:00Z: far enough from the real date that no test passes by accident. */
export const testEpochMs = Date.UTC(2030, 0, 1);

export function manualClock(startMs = testEpochMs): ManualClock {
  let nowMs = startMs;
  const unused = (): never => {
    throw new Error('manualClock: timers are not used by these tests');
  };
  return {
    now: () => nowMs,
    monotonic: () => nowMs,
    advance: (ms) => {
      nowMs += ms;
    },
    setTimeout: unused,
    clearTimeout: unused,
    setInterval: unused,
    clearInterval: unused,
    sleep: unused,
    timeoutSignal: unused,
  };
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'wisp-pki-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
