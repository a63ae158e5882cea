/**
 * js-libp2p records the protocol of every stream in the peer store, on both sides, as the stream
 * opens (`peerStore.merge(peer, { protocols: [protocol] })` in its connection.js), under the
 * peer's write lock: the record is read, decoded, merged, re-encoded with every address as a
 * multiaddr, and written back, even when the protocol is already there. Streams to one peer
 * queue on that lock. For a mesh tunnel, a stream per proxied connection, that was about
 * 0.2 ms of each tunnel's setup on each side and 5% of an agent's CPU.
 *
 * `rememberProtocolMerges` answers such a merge from memory when the same protocol was merged
 * for the same peer within `ttlMs`, and passes every other write through. It is exact:
 *
 * - any other write for a peer (`save`, `patch`, `delete`, a merge of anything but one
 *   protocol) forgets what it remembered of that peer, and a merge that was under way during any
 *   such write is not remembered, so a write that replaced the protocols (identify's `patch`)
 *   or deleted the peer is followed by a real merge;
 * - the store deletes a peer only through `delete` or when its record is older than
 *   `maxPeerAge` (6 hours), and a remembered merge is at most `ttlMs` old (a minute).
 *
 *   rememberProtocolMerges(libp2p.peerStore);
 */

import { systemClock, type Clock } from '@wisp/core';

/** A remembered merge is answered for this long. Far below the peer store's 6 h `maxPeerAge`. */
export const protocolMergeTtlMs = 60_000;
/** Cleared when full: the peers this node talks to, not every id it hears of. */
const peersRememberedMax = 4096;

type Write = (id: { toString(): string }, ...rest: unknown[]) => Promise<unknown>;

/** What this relies on in js-libp2p's PeerStore. */
interface PeerStoreWrites {
  merge: Write;
  patch: Write;
  save: Write;
  delete: Write;
}

export function rememberProtocolMerges<T>(
  store: T,
  clock: Pick<Clock, 'monotonic'> = systemClock(),
  ttlMs = protocolMergeTtlMs,
): T {
  const now = () => clock.monotonic();
  const s = store as T & Partial<PeerStoreWrites>;
  const { merge, patch, save } = s;
  const remove = s.delete;
  if (
    typeof merge !== 'function' ||
    typeof patch !== 'function' ||
    typeof save !== 'function' ||
    typeof remove !== 'function'
  ) {
    throw new TypeError('libp2p: its peer store no longer has merge(), patch(), save(), delete()');
  }
  /** Per peer: what the last real merge returned, and when each protocol was merged. */
  const remembered = new Map<string, { peer: unknown; merged: Map<string, number> }>();
  /** Counts the writes that forgot something; a merge spanning one is not remembered. */
  let forgets = 0;
  const forget = (id: { toString(): string }): void => {
    forgets++;
    remembered.delete(id.toString());
  };
  const w = s as T & PeerStoreWrites;
  w.merge = async function (id, data, ...rest) {
    const protocol = onlyProtocol(data);
    if (protocol === undefined) {
      forget(id);
      return merge.call(this, id, data, ...rest);
    }
    const key = id.toString();
    const known = remembered.get(key);
    const at = known?.merged.get(protocol);
    if (known && at !== undefined && now() - at < ttlMs) return known.peer;
    const before = forgets;
    const peer = await merge.call(this, id, data, ...rest);
    if (forgets === before) {
      if (!remembered.has(key) && remembered.size >= peersRememberedMax) remembered.clear();
      const entry = remembered.get(key) ?? { peer, merged: new Map<string, number>() };
      entry.peer = peer;
      entry.merged.set(protocol, now());
      remembered.set(key, entry);
    }
    return peer;
  };
  for (const [name, write] of [
    ['patch', patch],
    ['save', save],
    ['delete', remove],
  ] as const) {
    w[name] = async function (id, ...rest) {
      forget(id);
      try {
        return await write.call(this, id, ...rest);
      } finally {
        forget(id);
      }
    };
  }
  return store;
}

/** The protocol of a merge that records exactly one protocol and nothing else. */
function onlyProtocol(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { protocols, ...others } = data as { protocols?: unknown };
  if (!Array.isArray(protocols) || protocols.length !== 1 || Object.keys(others).length > 0) {
    return undefined;
  }
  return typeof protocols[0] === 'string' ? protocols[0] : undefined;
}
