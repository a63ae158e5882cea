/**
 * The agent's libp2p node: TCP, Noise, Yamux, identify, gossipsub, circuit relay v2 as a client
 * (and, at a site, optionally as a relay for its peers), mDNS for site-local discovery. This
 * file only wires libp2p to core's `GossipHost`; admission, limits, validation, framing and
 * redialling live in `createHostedGossip` (core), shared with the control plane.
 *
 *   const gossip = createAgentGossip(
 *     { nodeKey, certPem, allowedTopics, bootstrap: [serverMultiaddr], mdns: true },
 *     { clock, random, verifyPeer },
 *   );
 *   await gossip.start();
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { privateKeyFromRaw } from '@libp2p/crypto/keys';
import { gossipsub, type GossipSub, type TopicValidatorResult } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import type { Connection, PrivateKey, Stream } from '@libp2p/interface';
import { mdns } from '@libp2p/mdns';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p';
import {
  createHostedGossip,
  ed25519Libp2pRaw,
  GossipNoHandlerError,
  GossipPeerUnreachableError,
  gossipRouterOptions,
  gossipTopicScoreParams,
  isTopicAllowed,
  resolveGossipLimits,
  type ByteStream,
  type GossipHost,
  type GossipHostListener,
  type NetworkGossip,
  type NetworkGossipComponents,
  type NetworkGossipInit,
  type StreamHandler,
} from '@wisp/core';

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
  const privateKey = privateKeyFromRaw(ed25519Libp2pRaw(init.nodeKey));
  const limits = resolveGossipLimits(init);
  const options = (): Libp2pOptions<Services> => ({
    privateKey,
    start: false,
    addresses: { listen: [...(init.listen ?? agentP2pDefaults.listen)] },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: connectionLimits(init, agentP2pDefaults),
    connectionGater: gater(init.dialFilter),
    peerDiscovery: init.mdns ? [mdns({ serviceTag: '_wisp._udp.local' })] : [],
    services: {
      identify: identify(),
      pubsub: gossipsub({
        ...gossipRouterOptions({ ...limits, heartbeatIntervalMs: init.heartbeatIntervalMs }),
        // gossipsub's allow-list takes exact names only; left open, our validator (installed
        // per topic in `Libp2pHost`) applies the exact names and the prefixes alike.
        allowedTopics: undefined,
      }),
      ...(init.relayServer
        ? {
            relay: circuitRelayServer({
              reservations: {
                maxReservations: init.relayReservationsMax ?? agentP2pDefaults.relayReservationsMax,
                // Both ends admit each other (or drop the circuit) within the admission
                // deadline; a time or data cap would cut gossip between admitted nodes.
                applyDefaultLimit: false,
              },
            }),
          }
        : {}),
    },
  });
  const host = new Libp2pHost({
    privateKey,
    options,
    topics: limits.allowedTopics,
    allows: (topic) => isTopicAllowed(limits, topic),
    dialDiscovered: init.mdns === true,
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

type ConnectionLimits = Required<
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

interface Services extends Record<string, unknown> {
  pubsub: GossipSub;
}

interface HostInit {
  readonly privateKey: PrivateKey;
  /** A fresh configuration per start: libp2p services cannot be restarted. */
  readonly options: () => Libp2pOptions<Services>;
  /** Every allowed topic gets the validator, subscribed or not (relayed messages too). */
  readonly topics: readonly string[];
  /** Topics allowed by prefix get the validator when this node first subscribes or publishes. */
  readonly allows: (topic: string) => boolean;
  readonly dialDiscovered: boolean;
}

class Libp2pHost implements GossipHost {
  readonly peerId: string;
  readonly #init: HostInit;
  readonly #handlers = new Map<string, StreamHandler>();
  #listener: GossipHostListener | undefined;
  #node: Libp2p<Services> | undefined;

  constructor(init: HostInit) {
    this.peerId = peerIdFromPrivateKey(init.privateKey).toString();
    this.#init = init;
  }

  setListener(listener: GossipHostListener): void {
    this.#listener = listener;
  }

  async start(): Promise<void> {
    const node = await createLibp2p(this.#init.options());
    const listener = this.#listener!;
    node.addEventListener('peer:connect', (e) => listener.peerConnected(e.detail.toString()));
    node.addEventListener('peer:disconnect', (e) => listener.peerDisconnected(e.detail.toString()));
    if (this.#init.dialDiscovered) {
      node.addEventListener('peer:discovery', (e) => {
        if (node.getConnections(e.detail.id).length === 0) node.dial(e.detail.id).catch(() => {});
      });
    }
    const pubsub = node.services.pubsub;
    pubsub.addEventListener('message', ({ detail: m }) => {
      listener.message(m.topic, m.data, m.type === 'signed' ? m.from.toString() : '');
    });
    for (const topic of this.#init.topics) this.#admitTopic(pubsub, topic);
    for (const [protocol, handler] of this.#handlers) await this.#register(node, protocol, handler);
    this.#node = node;
    try {
      await node.start();
    } catch (e) {
      this.#node = undefined;
      await Promise.resolve(node.stop()).catch(() => undefined);
      throw e;
    }
  }

  async stop(): Promise<void> {
    const node = this.#node;
    this.#node = undefined;
    await node?.stop();
  }

  subscribe(topic: string): void {
    const pubsub = this.#live().services.pubsub;
    this.#admitTopic(pubsub, topic);
    pubsub.subscribe(topic);
  }

  unsubscribe(topic: string): void {
    this.#live().services.pubsub.unsubscribe(topic);
  }

  async publish(topic: string, data: Uint8Array): Promise<void> {
    const pubsub = this.#live().services.pubsub;
    this.#admitTopic(pubsub, topic);
    await pubsub.publish(topic, data);
  }

  async handle(protocol: string, handler: StreamHandler): Promise<void> {
    this.#handlers.set(protocol, handler);
    if (this.#node) await this.#register(this.#node, protocol, handler);
  }

  async unhandle(protocol: string): Promise<void> {
    this.#handlers.delete(protocol);
    await this.#node?.unhandle(protocol);
  }

  async openStream(peer: string, protocol: string, signal: AbortSignal): Promise<ByteStream> {
    const connection = this.#openConnection(peer);
    try {
      const opts = { signal, runOnLimitedConnection: true };
      return byteStream(await connection.newStream(protocol, opts));
    } catch (e) {
      if ((e as Error).name === 'UnsupportedProtocolError') {
        throw new GossipNoHandlerError(peer, protocol);
      }
      throw e;
    }
  }

  async dial(address: string, signal: AbortSignal): Promise<string> {
    const connection = await this.#live().dial(multiaddr(address), { signal });
    return connection.remotePeer.toString();
  }

  async hangUp(peer: string): Promise<void> {
    await this.#node?.hangUp(peerIdFromString(peer));
  }

  isConnected(peer: string): boolean {
    return this.#connections(peer).length > 0;
  }

  addresses(): string[] {
    return this.#node?.getMultiaddrs().map((a) => a.toString()) ?? [];
  }

  peerScore(peer: string): number | undefined {
    const pubsub = this.#node?.services.pubsub as (GossipSub & ScoreReader) | undefined;
    return pubsub?.getPeers().some((p) => p.toString() === peer)
      ? pubsub.getScore(peer)
      : undefined;
  }

  /**
   * Validator and score weights for one allowed topic. gossipsub forwards and delivers only on
   * topics this node subscribed to (mesh) and scores only topics with weights, so admitting a
   * topic when we subscribe or publish covers every message that reaches us or our mesh, and
   * peers cannot grow these tables by announcing topics.
   */
  #admitTopic(pubsub: GossipSub, topic: string): void {
    if (!this.#init.allows(topic) || pubsub.topicValidators.has(topic)) return;
    const listener = this.#listener!;
    pubsub.topicValidators.set(topic, async (source, m) => {
      const author = m.type === 'signed' ? m.from.toString() : '';
      const verdict = await listener.validate(m.topic, m.data, source.toString(), author);
      return verdict as TopicValidatorResult;
    });
    const topics = (pubsub as GossipSub & ScoreParamsHolder).score?.params.topics;
    if (topics && !(topic in topics)) topics[topic] = { ...gossipTopicScoreParams };
  }

  #live(): Libp2p<Services> {
    if (!this.#node) throw new GossipPeerUnreachableError(this.peerId, 'libp2p is not running');
    return this.#node;
  }

  #connections(peer: string): Connection[] {
    if (!this.#node) return [];
    return this.#node.getConnections(peerIdFromString(peer)).filter((c) => c.status === 'open');
  }

  #openConnection(peer: string): Connection {
    const open = this.#connections(peer);
    const connection = open.find((c) => c.limits === undefined) ?? open[0];
    if (!connection) throw new GossipPeerUnreachableError(peer, 'not connected');
    return connection;
  }

  async #register(node: Libp2p<Services>, protocol: string, handler: StreamHandler) {
    await node.handle(
      protocol,
      (stream, connection) => handler(byteStream(stream), connection.remotePeer.toString()),
      { runOnLimitedConnection: true, force: true },
    );
  }
}

/** `getScore` is on gossipsub's class but not its exported interface. */
interface ScoreReader {
  getScore(peer: string): number;
}

/** So is `score`, whose per-topic weights a topic allowed by prefix joins when admitted. */
interface ScoreParamsHolder {
  readonly score?: { readonly params: { readonly topics: Record<string, object> } };
}

function byteStream(stream: Stream): ByteStream {
  return {
    async send(data) {
      if (!stream.send(data)) await stream.onDrain();
    },
    close: () => stream.close(),
    abort: (e) => stream.abort(e),
    async *[Symbol.asyncIterator]() {
      for await (const chunk of stream)
        yield chunk instanceof Uint8Array ? chunk : chunk.subarray();
    },
  };
}
