/**
 * Which node each admitted libp2p peer is, learned from the certificate it presented when it was
 * admitted: the gossip `verifyPeer` hook runs the trust check and, for a trusted certificate,
 * remembers its identity. The status protocol maps a stream's authenticated peer id to a node
 * name through it, and the distributor finds each node's X25519 key (secrets are sealed to it)
 * here when the Node object carries no `wisp.dev/x25519-public-key` annotation.
 *
 *   const peers = createNodePeers({}, { trust: cp.nodeJoin().trust });
 *   const gossip = createControlPlaneGossip(init, { ..., verifyPeer: peers.verifyPeer });
 *   peers.byPeer(from)?.nodeName;
 */
import type { NodeIdentity } from '@wisp/api/wire/identity.ts';
import type { TrustVerdict } from '@wisp/api/wire/identity.ts';

/** Identities remembered at once; the oldest is forgotten first. */
export const nodePeersEntriesMaxDefault = 16_384;

export interface NodePeersInit {
  readonly entriesMax?: number;
}

export interface NodePeersComponents {
  readonly trust: { check(cert: string | Uint8Array, peerId?: string): TrustVerdict };
}

export interface NodePeers {
  /** The gossip admission check; a trusted certificate is remembered. */
  verifyPeer(certPem: string, peerId: string): boolean;
  /** The identity certified for a peer, if it was admitted. */
  byPeer(peerId: string): NodeIdentity | undefined;
  /** The newest identity admitted for a node name. */
  byNode(nodeName: string): NodeIdentity | undefined;
  /** Hears each identity newly learned or changed for a node. */
  onLearned(listener: (identity: NodeIdentity) => void): () => void;
  /** Adds an identity directly (tests, or a composition root that learned it elsewhere). */
  remember(identity: NodeIdentity): void;
}

export function createNodePeers(init: NodePeersInit, components: NodePeersComponents): NodePeers {
  const entriesMax = init.entriesMax ?? nodePeersEntriesMaxDefault;
  const peers = new Map<string, NodeIdentity>();
  const nodes = new Map<string, NodeIdentity>();
  const listeners = new Set<(identity: NodeIdentity) => void>();

  function remember(identity: NodeIdentity): void {
    const before = nodes.get(identity.nodeName);
    peers.delete(identity.peerId);
    peers.set(identity.peerId, identity);
    nodes.delete(identity.nodeName);
    nodes.set(identity.nodeName, identity);
    // A node that re-joined with a new key leaves its old peer id behind: forget it.
    if (before && before.peerId !== identity.peerId) peers.delete(before.peerId);
    while (peers.size > entriesMax) peers.delete(peers.keys().next().value!);
    while (nodes.size > entriesMax) nodes.delete(nodes.keys().next().value!);
    if (before?.serialNumber !== identity.serialNumber) for (const l of listeners) l(identity);
  }

  return {
    verifyPeer(certPem, peerId) {
      const verdict = components.trust.check(certPem, peerId);
      if (verdict.trusted) remember(verdict.identity);
      return verdict.trusted;
    },
    byPeer: (peerId) => peers.get(peerId),
    byNode: (nodeName) => nodes.get(nodeName),
    onLearned(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    remember,
  };
}
