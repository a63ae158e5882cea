/**
 * The agent's libp2p node: TCP, Noise, Yamux, identify, gossipsub, circuit relay v2 as a client
 * (and, at a site, optionally as a relay for its peers), mDNS for site-local discovery. This
 * file only adds its transports, discovery and services to the host both sides build alike
 * (`hostFor`, @wisp/p2p); admission, limits, validation, framing and redialling live in
 * `createHostedGossip` (core), shared with the control plane.
 *
 *   const gossip = createAgentGossip(
 *     { nodeKey, certPem, allowedTopics, bootstrap: [serverMultiaddr], mdns: true },
 *     { clock, random, verifyPeer },
 *   );
 *   await gossip.start();
 */
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { mdns } from '@libp2p/mdns';
import {
  createHostedGossip,
  type NetworkGossip,
  type NetworkGossipComponents,
  type NetworkGossipInit,
} from '@wisp/core';
import { hostFor, relayServerService } from '@wisp/p2p';

export interface AgentGossipInit extends NetworkGossipInit {
  /** Discover site peers by mDNS and dial them. Default off. */
  readonly mdns?: boolean;
  /** Relay for site peers that cannot reach each other directly. Default off. */
  readonly relayServer?: boolean;
  /** Relay slots offered when `relayServer` is on. */
  readonly relayReservationsMax?: number;
}

export type AgentGossipComponents = NetworkGossipComponents;

export interface AgentGossip extends NetworkGossip {
  /**
   * The certificate shown to peers from now on (after a renewal). Only new connections present
   * it: admitted connections stay up, since the old certificate is still valid when renewed.
   */
  setCertificate(certPem: string): void;
}

export const agentP2pDefaults = {
  listen: ['/ip4/0.0.0.0/tcp/0', '/p2p-circuit'],
  relayReservationsMax: 32,
  connectionsMax: 200,
  inboundConnectionsPerHostPerSecondMax: 50,
  pendingInboundConnectionsMax: 64,
} as const;

export function createAgentGossip(
  init: AgentGossipInit,
  components: AgentGossipComponents,
): AgentGossip {
  const d = agentP2pDefaults;
  const { host } = hostFor(init, {
    defaults: d,
    dialDiscovered: init.mdns === true,
    extras: () => ({
      transports: [circuitRelayTransport()],
      peerDiscovery: init.mdns ? [mdns({ serviceTag: '_wisp._udp.local' })] : [],
      services: init.relayServer
        ? { relay: relayServerService(init.relayReservationsMax ?? d.relayReservationsMax) }
        : {},
    }),
  });
  let certPem = init.certPem;
  // Read on every identity exchange, so a renewed certificate applies to the next connection.
  const identity = {
    get certPem() {
      return certPem;
    },
    verifyPeer: components.verifyPeer,
  };
  const gossip = createHostedGossip(init, { ...components, host, identity });
  return Object.assign(gossip, {
    setCertificate(next: string): void {
      certPem = next;
    },
  });
}
