/**
 * What a controller is still waiting to see in its cache after its own writes, as client-go's
 * UIDTrackingControllerExpectations: after creating 3 pods it expects 3 additions, after deleting
 * pods it expects those keys to go, and until then it does not act on a cache that has not caught
 * up (which would create or delete twice). Expectations older than `expectationsTimeoutMs` are
 * given up on, so a lost event cannot stall an owner for ever.
 */
import type { Clock } from '@wisp/core';

export interface ExpectationsInit {
  /** How long unmet expectations block syncing before they are ignored. */
  readonly expectationsTimeoutMs?: number;
}

interface Expectation {
  adds: number;
  readonly deletes: Set<string>;
  readonly sinceMs: number;
}

export interface Expectations {
  expectCreations(ownerKey: string, count: number): void;
  creationObserved(ownerKey: string): void;
  expectDeletions(ownerKey: string, podKeys: readonly string[]): void;
  /** Only keys that were expected lower the count, so one deletion is never counted twice. */
  deletionObserved(ownerKey: string, podKey: string): void;
  /** True when nothing is pending, or the pending expectations have expired. */
  satisfied(ownerKey: string): boolean;
  forget(ownerKey: string): void;
}

export function createExpectations(init: ExpectationsInit, clock: Clock): Expectations {
  const timeoutMs = init.expectationsTimeoutMs ?? 5 * 60_000;
  const byOwner = new Map<string, Expectation>();
  const fresh = (): Expectation => ({ adds: 0, deletes: new Set(), sinceMs: clock.monotonic() });
  return {
    expectCreations(ownerKey, count) {
      const e = fresh();
      e.adds = count;
      byOwner.set(ownerKey, e);
    },
    creationObserved(ownerKey) {
      const e = byOwner.get(ownerKey);
      if (e && e.adds > 0) e.adds--;
    },
    expectDeletions(ownerKey, podKeys) {
      const e = fresh();
      for (const k of podKeys) e.deletes.add(k);
      byOwner.set(ownerKey, e);
    },
    deletionObserved(ownerKey, podKey) {
      byOwner.get(ownerKey)?.deletes.delete(podKey);
    },
    satisfied(ownerKey) {
      const e = byOwner.get(ownerKey);
      if (!e) return true;
      if (e.adds <= 0 && e.deletes.size === 0) return true;
      return clock.monotonic() - e.sinceMs > timeoutMs;
    },
    forget(ownerKey) {
      byOwner.delete(ownerKey);
    },
  };
}
