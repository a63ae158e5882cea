/**
 * Which node each admitted peer is, read from the certificate it presented: the mesh checks a
 * tunnel's claimed source pod against the sending node's pod CIDR with it. Wraps the gossip
 * `verifyPeer` hook, so only certificates the trust check accepted are remembered.
 *
 *   const book = createPeerBook();
 *   createAgentGossip(init, { clock, random, verifyPeer: book.verifyPeer(trustCheck) });
 *   book.identity(peerId)?.podCidr;
 */
import { parseNodeIdentity } from '@wisp/api/wire/identity.ts';
import type { VerifyPeer } from '@wisp/core';

export interface PeerFacts {
  readonly nodeName: string;
  readonly podCidr: string;
}

export interface PeerBook {
  verifyPeer(inner: VerifyPeer): VerifyPeer;
  identity(peerId: string): PeerFacts | undefined;
  remember(peerId: string, facts: PeerFacts): void;
}

/** Peers remembered at once; the oldest is forgotten first. */
export const peerBookEntriesMaxDefault = 16_384;

export function createPeerBook(entriesMax = peerBookEntriesMaxDefault): PeerBook {
  const peers = new Map<string, PeerFacts>();
  const remember = (peerId: string, facts: PeerFacts): void => {
    peers.delete(peerId);
    peers.set(peerId, facts);
    while (peers.size > entriesMax) peers.delete(peers.keys().next().value!);
  };
  return {
    verifyPeer: (inner) => async (certPem, peerId) => {
      const ok = await inner(certPem, peerId);
      if (!ok) return false;
      try {
        const id = parseNodeIdentity(certPem);
        if (id.peerId === peerId) remember(peerId, { nodeName: id.nodeName, podCidr: id.podCidr });
      } catch {
        // The control plane's certificate is no node certificate: it hosts no pods.
      }
      return true;
    },
    identity: (peerId) => peers.get(peerId),
    remember,
  };
}
