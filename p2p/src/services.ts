/**
 * The libp2p pieces both sides configure the same way: the node's private key from its Ed25519
 * seed, gossipsub with our router options, and a circuit relay server. The adapters still choose
 * which transports and services they run.
 */
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import { privateKeyFromRaw } from '@libp2p/crypto/keys';
import { gossipsub } from '@libp2p/gossipsub';
import type { PrivateKey } from '@libp2p/interface';
import { ed25519Libp2pRaw, gossipRouterOptions, type GossipLimits } from '@wisp/core';

export function nodePrivateKey(nodeKeySeed: Uint8Array): PrivateKey {
  return privateKeyFromRaw(ed25519Libp2pRaw(nodeKeySeed));
}

export function pubsubService(limits: GossipLimits, heartbeatIntervalMs: number | undefined) {
  return gossipsub({
    ...gossipRouterOptions({ ...limits, heartbeatIntervalMs }),
    // gossipsub's allow-list takes exact names only; left open, our validator (installed per
    // topic in `Libp2pHost`) applies the exact names and the prefixes alike.
    allowedTopics: undefined,
  });
}

export function relayServerService(maxReservations: number) {
  return circuitRelayServer({
    reservations: {
      maxReservations,
      // Both ends admit each other (or drop the circuit) within the admission deadline; a time
      // or data cap would cut gossip between admitted nodes.
      applyDefaultLimit: false,
    },
  });
}
