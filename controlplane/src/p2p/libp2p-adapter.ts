/**
 * The control plane's libp2p node: TCP, Noise, Yamux, identify, gossipsub, and a circuit relay
 * v2 server so agents behind NAT stay reachable through it. This file only wires libp2p to
 * core's `GossipHost`; admission, limits, validation, framing and redialling live in
 * `createHostedGossip` (core), shared with the agent, and what both sides configure alike is in
 * `hostFor` (@wisp/p2p); this file adds the relay server.
 *
 *   const gossip = createControlPlaneGossip(
 *     { nodeKey, certPem, allowedTopics, listen: ['/ip4/0.0.0.0/tcp/6445'] },
 *     { clock, random, verifyPeer },
 *   );
 *   await gossip.start();
 *   await gossip.publish(siteTopic('store-42'), signedNodeDesired);
 */
import {
  createHostedGossip,
  type NetworkGossip,
  type NetworkGossipComponents,
  type NetworkGossipInit,
} from '@wisp/core';
import { hostFor, relayServerService } from '@wisp/p2p';

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
  const d = controlPlaneP2pDefaults;
  const { host } = hostFor(init, {
    defaults: d,
    extras: () => ({
      services: { relay: relayServerService(init.relayReservationsMax ?? d.relayReservationsMax) },
    }),
  });
  const identity = { certPem: init.certPem, verifyPeer: components.verifyPeer };
  return createHostedGossip(init, { ...components, host, identity });
}
