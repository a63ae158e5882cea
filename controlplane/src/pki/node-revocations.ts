/**
 * Revoked nodes: one store key per node name, watched into memory so the authenticator and the
 * peer-admission check answer without a store read. Revocation is by node name and lasts until
 * its key is deleted: every certificate the node holds, and any it might get by joining again,
 * is refused. Listeners hear each new revocation (the gossip side broadcasts them).
 *
 *   const revocations = createNodeRevocations({}, { store, clock });
 *   await revocations.start();
 *   await revocations.revoke('edge-7');
 *   revocations.isRevoked('edge-7'); // true, here and on every server watching the store
 */
import { isWispError } from '@wisp/core';
import type { Clock, Startable, Store, WatchEvent } from '@wisp/core';

export const revokedNodePrefix = '/registry/_wisp/revoked-nodes/';

export interface NodeRevocation {
  readonly nodeName: string;
  readonly revokedAtMs: number;
}

export interface NodeRevocationsInit {
  /** Pause before listing again after the watch failed. */
  readonly relistBackoffMs?: number;
}

export interface NodeRevocations extends Startable {
  isRevoked(nodeName: string): boolean;
  /** Revokes a node; revoking it again keeps the first record. */
  revoke(nodeName: string): Promise<NodeRevocation>;
  list(): NodeRevocation[];
  /** Called once per node newly seen revoked; returns an unsubscribe function. */
  onRevoked(listener: (revocation: NodeRevocation) => void): () => void;
}

export function createNodeRevocations(
  init: NodeRevocationsInit,
  components: { readonly store: Store; readonly clock: Clock },
): NodeRevocations {
  const { store, clock } = components;
  const revoked = new Map<string, NodeRevocation>();
  const listeners = new Set<(r: NodeRevocation) => void>();
  let ac: AbortController | undefined;
  let loop: Promise<void> | undefined;

  const add = (r: NodeRevocation): void => {
    if (revoked.has(r.nodeName)) return;
    revoked.set(r.nodeName, r);
    for (const l of listeners) l(r);
  };

  async function relist(): Promise<number> {
    const listed = await store.list(revokedNodePrefix);
    const names = new Set<string>();
    for (const kv of listed.items) {
      const r = JSON.parse(kv.value) as NodeRevocation;
      names.add(r.nodeName);
      add(r);
    }
    for (const name of [...revoked.keys()]) if (!names.has(name)) revoked.delete(name);
    return listed.revision;
  }

  function apply(events: readonly WatchEvent[]): void {
    for (const ev of events) {
      const name = ev.kv.key.slice(revokedNodePrefix.length);
      if (ev.type === 'delete') revoked.delete(name);
      else add(JSON.parse(ev.kv.value) as NodeRevocation);
    }
  }

  async function follow(fromRevision: number, signal: AbortSignal): Promise<void> {
    let rev = fromRevision;
    while (!signal.aborted) {
      try {
        for await (const batch of store.watch(revokedNodePrefix, rev, signal)) {
          apply(batch);
          rev = batch[batch.length - 1]?.revision ?? rev;
        }
      } catch {
        // Compacted or closed: list again below.
      }
      if (signal.aborted) return;
      try {
        await clock.sleep(init.relistBackoffMs ?? 500, signal);
        rev = await relist();
      } catch {
        // The next round retries.
      }
    }
  }

  return {
    async start() {
      const rev = await relist();
      ac = new AbortController();
      loop = follow(rev, ac.signal);
    },
    async stop() {
      ac?.abort();
      await loop?.catch(() => undefined);
      loop = undefined;
    },
    isRevoked: (nodeName) => revoked.has(nodeName),
    async revoke(nodeName) {
      const record: NodeRevocation = { nodeName, revokedAtMs: clock.now() };
      try {
        await store.create(revokedNodePrefix + nodeName, JSON.stringify(record));
        add(record);
        return record;
      } catch (e) {
        if (!isWispError(e, 'ERR_ALREADY_EXISTS')) throw e;
      }
      const kv = await store.get(revokedNodePrefix + nodeName);
      const existing = kv ? (JSON.parse(kv.value) as NodeRevocation) : record;
      add(existing);
      return existing;
    },
    list: () => [...revoked.values()],
    onRevoked(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
