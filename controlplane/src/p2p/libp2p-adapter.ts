/**
 * The control plane's libp2p node: TCP, Noise, Yamux, identify, gossipsub, and a circuit relay
 * v2 server so agents behind NAT stay reachable through it. This file only wires libp2p to
 * core's `GossipHost`; admission, limits, validation, framing and redialling live in
 * `createHostedGossip` (core), shared with the agent. The host wiring below mirrors the agent's
 * adapter line for line: libp2p may be imported from one file per side only (DESIGN §3).
 *
 *   const gossip = createControlPlaneGossip(
 *     { nodeKey, certPem, allowedTopics, listen: ['/ip4/0.0.0.0/tcp/6445'] },
 *     { clock, random, verifyPeer },
 *   );
 *   await gossip.start();
 *   await gossip.publish(siteTopic('store-42'), signedNodeDesired);
 */
import { identify } from '@libp2p/identify';

import { tcp } from '@libp2p/tcp';

import { type Libp2pOptions } from 'libp2p';
import {
  createHostedGossip,
  isTopicAllowed,
  resolveGossipLimits,
  type NetworkGossip,
  type NetworkGossipComponents,
  type NetworkGossipInit,
} from '@wisp/core';
import {
  Libp2pHost,
  type Services,
  connectionLimits,
  gater,
  nodePrivateKey,
  pubsubService,
  relayServerService,
  secureChannel,
  streamMuxer,
} from '@wisp/p2p';

export interface ControlPlaneGossipInit extends NetworkGossipInit {
  /** Agents that may hold a relay slot here at once. */
  readonly relayReservationsMax?: number;
}

export type ControlPlaneGossipComponents = NetworkGossipComponents;

export const controlPlaneP2pDefaults = {
  listen: ['/ip4/0.0.0.0/tcp/6445'],
  relayReservationsMax: 1024,
  connectionsMax: 2048,
  inboundConnectionsPerHostPerSecondMax: 200,
  pendingInboundConnectionsMax: 512,
} as const;

export function createControlPlaneGossip(
  init: ControlPlaneGossipInit,
  components: ControlPlaneGossipComponents,
): NetworkGossip {
  const privateKey = nodePrivateKey(init.nodeKey);
  const limits = resolveGossipLimits(init);
  const d = controlPlaneP2pDefaults;
  const options = (): Libp2pOptions<Services> => ({
    privateKey,
    start: false,
    addresses: { listen: [...(init.listen ?? d.listen)] },
    transports: [tcp()],
    connectionEncrypters: [secureChannel()],
    streamMuxers: [streamMuxer()],
    connectionManager: connectionLimits(init, d),
    connectionGater: gater(init.dialFilter),
    services: {
      identify: identify(),
      pubsub: pubsubService(limits, init.heartbeatIntervalMs),
      relay: relayServerService(init.relayReservationsMax ?? d.relayReservationsMax),
    },
  });
  const host = new Libp2pHost({
    privateKey,
    options,
    topics: limits.allowedTopics,
    allows: (topic) => isTopicAllowed(limits, topic),
    dialDiscovered: false,
  });
  const identity = { certPem: init.certPem, verifyPeer: components.verifyPeer };
  return createHostedGossip(init, { ...components, host, identity });
}
