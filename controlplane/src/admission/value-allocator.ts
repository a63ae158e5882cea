/**
 * Allocation of values from a finite range (service IPs, node ports) with one store key per
 * value, so two concurrent requests for the same value cannot both win: the store's atomic
 * `create` decides. A record names its owner; a record whose owner no longer uses the value
 * (deleted service, failed create, a crash between the claim and the object write) is taken
 * over with a compare-and-swap once it is older than `graceMs`, which covers the window between
 * an admission claim and the write that follows it.
 *
 *   const a = createValueAllocator({ prefix, size, valueAt }, { store, clock, random, stillOwns });
 *   const outcome = await a.claim('10.43.0.9', owner); // 'new' | 'own' | 'taken'
 */
import type { Clock, Random, Store } from '@wisp/core';
import { isWispError } from '@wisp/core';

export interface AllocationOwner {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export interface AllocationRecord extends AllocationOwner {
  readonly allocatedAtMs: number;
}

export interface ValueAllocatorInit {
  /** Store prefix of the records, ending in `/`. */
  readonly prefix: string;
  /** Number of values in the range. */
  readonly size: number;
  valueAt(offset: number): string;
  /** Offsets never handed out by `claimAny` (they may still be claimed by name). */
  readonly reservedOffsets?: readonly number[];
  /** How long a fresh record is protected even if its owner does not show it yet. */
  readonly graceMs?: number;
  /** Conflicting writes retried before giving up on one value. */
  readonly casRetriesMax?: number;
}

export interface ValueAllocatorComponents {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  /** Whether the record's owner still exists (same uid) and uses `value`. */
  stillOwns(record: AllocationRecord, value: string): Promise<boolean>;
}

/** `new`: this call took the value; `own`: the owner already held it; `taken`: someone else. */
export type ClaimOutcome = 'new' | 'own' | 'taken';

export interface ValueAllocator {
  claim(value: string, owner: AllocationOwner, dryRun?: boolean): Promise<ClaimOutcome>;
  /** A free value claimed for `owner`, or undefined when the whole range is in use. */
  claimAny(owner: AllocationOwner, dryRun?: boolean): Promise<string | undefined>;
  /** Frees `value` if `owner` holds it. */
  release(value: string, owner: AllocationOwner): Promise<void>;
}

export const allocationGraceMsDefault = 60_000;

export function createValueAllocator(
  init: ValueAllocatorInit,
  c: ValueAllocatorComponents,
): ValueAllocator {
  const graceMs = init.graceMs ?? allocationGraceMsDefault;
  const retriesMax = init.casRetriesMax ?? 5;

  const record = (owner: AllocationOwner): string =>
    JSON.stringify({
      namespace: owner.namespace,
      name: owner.name,
      uid: owner.uid,
      allocatedAtMs: c.clock.now(),
    });

  async function reclaimable(rec: AllocationRecord, value: string): Promise<boolean> {
    if (c.clock.now() - rec.allocatedAtMs < graceMs) return false;
    return !(await c.stillOwns(rec, value));
  }

  async function claim(
    value: string,
    owner: AllocationOwner,
    dryRun = false,
  ): Promise<ClaimOutcome> {
    const key = init.prefix + value;
    for (let attempt = 0; attempt <= retriesMax; attempt++) {
      const kv = await c.store.get(key);
      if (!kv) {
        if (dryRun) return 'new';
        try {
          await c.store.create(key, record(owner));
          return 'new';
        } catch (e) {
          if (isWispError(e, 'ERR_ALREADY_EXISTS')) continue;
          throw e;
        }
      }
      const rec = JSON.parse(kv.value) as AllocationRecord;
      if (rec.uid === owner.uid) return 'own';
      if (!(await reclaimable(rec, value))) return 'taken';
      if (dryRun) return 'new';
      try {
        await c.store.update(key, record(owner), kv.modRevision);
        return 'new';
      } catch (e) {
        if (!isWispError(e, 'ERR_CONFLICT') && !isWispError(e, 'ERR_NOT_FOUND')) throw e;
      }
    }
    return 'taken';
  }

  async function release(value: string, owner: AllocationOwner): Promise<void> {
    const key = init.prefix + value;
    const kv = await c.store.get(key);
    if (!kv || (JSON.parse(kv.value) as AllocationRecord).uid !== owner.uid) return;
    try {
      await c.store.delete(key, kv.modRevision);
    } catch (e) {
      // Someone else changed the record meanwhile: it is no longer ours to free.
      if (!isWispError(e, 'ERR_CONFLICT') && !isWispError(e, 'ERR_NOT_FOUND')) throw e;
    }
  }

  return {
    claim,
    claimAny: (owner, dryRun = false) => claimAny(init, c, claim, owner, dryRun),
    release,
  };
}

/**
 * A random free value: the records' list says which are taken, and the store's atomic create
 * settles a race with a concurrent claim. When every value has a record, the ones whose owners
 * let go of them are taken over.
 */
async function claimAny(
  init: ValueAllocatorInit,
  c: ValueAllocatorComponents,
  claim: ValueAllocator['claim'],
  owner: AllocationOwner,
  dryRun: boolean,
): Promise<string | undefined> {
  const reserved = new Set(init.reservedOffsets ?? []);
  const listed = await c.store.list(init.prefix);
  const used = new Set(listed.items.map((kv) => kv.key.slice(init.prefix.length)));
  const start = c.random.int(init.size);
  const busy: string[] = [];
  for (let i = 0; i < init.size; i++) {
    const offset = (start + i) % init.size;
    if (reserved.has(offset)) continue;
    const value = init.valueAt(offset);
    if (used.has(value)) busy.push(value);
    else if ((await claim(value, owner, dryRun)) === 'new') return value;
  }
  for (const value of busy) {
    if ((await claim(value, owner, dryRun)) === 'new') return value;
  }
  return undefined;
}
