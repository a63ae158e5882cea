/**
 * Builds the libp2p host for one side from what both sides share — the node key, TCP under the
 * tuned Noise and Yamux, connection limits, the dial filter, identify and gossipsub with our
 * router options — plus what the side adds: more transports, discovery, services. The adapters
 * (controlplane/src/p2p, agent/src/p2p) then only state their defaults and extras.
 *
 *   const { host } = hostFor(init, { defaults, extras: () => ({ services: { relay } }) });
 */
import { identify } from '@libp2p/identify';
import { tcp } from '@libp2p/tcp';
import type { Libp2pOptions } from 'libp2p';
import { isTopicAllowed, resolveGossipLimits, type NetworkGossipInit } from '@wisp/core';
import { secureChannel, streamMuxer } from './connection-stack.ts';
import { Libp2pHost, type Services } from './libp2p-host.ts';
import { silentLogger } from './silent-logger.ts';
import { nodePrivateKey, pubsubService } from './services.ts';

export type ConnectionLimits = Required<
  Pick<
    NetworkGossipInit,
    'connectionsMax' | 'inboundConnectionsPerHostPerSecondMax' | 'pendingInboundConnectionsMax'
  >
>;

function connectionLimits(init: NetworkGossipInit, defaults: ConnectionLimits) {
  return {
    maxConnections: init.connectionsMax ?? defaults.connectionsMax,
    inboundConnectionThreshold:
      init.inboundConnectionsPerHostPerSecondMax ?? defaults.inboundConnectionsPerHostPerSecondMax,
    maxIncomingPendingConnections:
      init.pendingInboundConnectionsMax ?? defaults.pendingInboundConnectionsMax,
  };
}

function gater(dialFilter: ((address: string) => boolean) | undefined) {
  return {
    denyDialMultiaddr: (ma: { toString(): string }) => !(dialFilter?.(ma.toString()) ?? true),
  };
}

export interface HostSide {
  /** Listen addresses and connection limits where the init leaves them out. */
  readonly defaults: ConnectionLimits & { readonly listen: readonly string[] };
  /** Built per start (libp2p services cannot be restarted): transports after TCP, etc. */
  readonly extras?: () => {
    readonly transports?: NonNullable<Libp2pOptions<Services>['transports']>;
    readonly peerDiscovery?: Libp2pOptions<Services>['peerDiscovery'];
    readonly services?: Record<string, unknown>;
  };
  /** Dial peers that discovery finds (mDNS at a site). */
  readonly dialDiscovered?: boolean;
}

export function hostFor(init: NetworkGossipInit, side: HostSide): { host: Libp2pHost } {
  const privateKey = nodePrivateKey(init.nodeKey);
  const limits = resolveGossipLimits(init);
  const options = (): Libp2pOptions<Services> => {
    const extras = side.extras?.() ?? {};
    return {
      privateKey,
      start: false,
      addresses: { listen: [...(init.listen ?? side.defaults.listen)] },
      transports: [tcp(), ...(extras.transports ?? [])],
      connectionEncrypters: [secureChannel()],
      streamMuxers: [streamMuxer()],
      connectionManager: connectionLimits(init, side.defaults),
      connectionGater: gater(init.dialFilter),
      peerDiscovery: extras.peerDiscovery ?? [],
      // libp2p's logger reads DEBUG too: unset, it builds loggers that print nothing, per stream.
      ...(process.env.DEBUG ? {} : { logger: silentLogger }),
      services: {
        identify: identify(),
        pubsub: pubsubService(limits, init.heartbeatIntervalMs),
        ...extras.services,
      } as Libp2pOptions<Services>['services'],
    };
  };
  const host = new Libp2pHost({
    privateKey,
    options,
    topics: limits.allowedTopics,
    allows: (topic) => isTopicAllowed(limits, topic),
    dialDiscovered: side.dialDiscovered === true,
  });
  return { host };
}
