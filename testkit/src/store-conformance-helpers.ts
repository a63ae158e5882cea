/**
 * Helpers the Store conformance cases share: reading a watch until a condition holds, and
 * catching a watch's error whether the backend throws it at call time or from the iterator.
 */
import assert from 'node:assert/strict';
import type { Store, WatchEvent } from '@wisp/core';

/** Per-case bound, so a watch that never delivers fails the case instead of hanging the run. */
export const CASE = { timeout: 20_000 };

/** Reads a watch until `enough(events)` holds, then stops it. Fails if the watch ends first. */
export async function collectUntil(
  store: Store,
  prefix: string,
  afterRevision: number,
  enough: (events: readonly WatchEvent[]) => boolean,
): Promise<WatchEvent[]> {
  const controller = new AbortController();
  const events: WatchEvent[] = [];
  try {
    if (enough(events)) return events;
    for await (const batch of store.watch(prefix, afterRevision, controller.signal)) {
      assert.ok(batch.length > 0, 'a watch batch is never empty');
      events.push(...batch);
      if (enough(events)) return events;
    }
    assert.fail(`watch ended after ${events.length} events without being stopped`);
  } finally {
    controller.abort();
  }
}

/** Reads exactly `n` events (more in the last batch fail the case). */
export async function collectN(
  store: Store,
  prefix: string,
  afterRevision: number,
  n: number,
): Promise<WatchEvent[]> {
  const events = await collectUntil(store, prefix, afterRevision, (e) => e.length >= n);
  assert.equal(events.length, n, 'no more events than the writes made');
  return events;
}

/** The error a watch fails with, at call time or from its first read. */
export async function watchError(store: Store, prefix: string, after: number): Promise<unknown> {
  const controller = new AbortController();
  try {
    const iterator = store.watch(prefix, after, controller.signal)[Symbol.asyncIterator]();
    await iterator.next();
  } catch (e) {
    return e;
  } finally {
    controller.abort();
  }
  return undefined;
}

/** The error code a promise rejects with. */
export async function rejectionCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

/** `[revision, type, key]` of each event: enough to compare streams in failure messages. */
export function summary(events: readonly WatchEvent[]): [number, string, string][] {
  return events.map((e) => [e.revision, e.type, e.kv.key]);
}
