/**
 * The libp2p host both sides share: one libp2p node wired to core's `GossipHost` (peer events,
 * gossipsub messages and validation, request streams). The control plane's and the agent's
 * adapters only choose transports and services; this is the one other place libp2p is imported.
 */

import { type GossipSub, type TopicValidatorResult } from '@libp2p/gossipsub';

import type { Connection, Peer, PeerId, PrivateKey, Stream } from '@libp2p/interface';

import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';

import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p';
import {
  GossipNoHandlerError,
  GossipPeerUnreachableError,
  gossipTopicScoreParams,
  PeerAddressTable,
  type ByteSink,
  type ByteStream,
  type GossipHost,
  type GossipHostListener,
  type StreamHandler,
} from '@wisp/core';
import { streamsPerConnectionMax, takeShortcuts } from './connection-stack.ts';
import { selectionFailure } from './optimistic-select.ts';
import { rememberProtocolMerges } from './protocol-merges.ts';

export interface Services extends Record<string, unknown> {
  pubsub: GossipSub;
}

export interface HostInit {
  readonly privateKey: PrivateKey;
  /** A fresh configuration per start: libp2p services cannot be restarted. */
  readonly options: () => Libp2pOptions<Services>;
  /** Every allowed topic gets the validator, subscribed or not (relayed messages too). */
  readonly topics: readonly string[];
  /** Topics allowed by prefix get the validator when this node first subscribes or publishes. */
  readonly allows: (topic: string) => boolean;
  readonly dialDiscovered: boolean;
}

/** Cleared when full: the peers this node talks to, not every id it hears of. */
const peerIdsCachedMax = 4096;

export class Libp2pHost implements GossipHost {
  readonly peerId: string;
  readonly #init: HostInit;
  readonly #handlers = new Map<string, StreamHandler>();
  /** Each peer's dialable addresses, kept here because the peer store answers only async. */
  readonly #peerAddresses = new PeerAddressTable();
  readonly #peerIds = new Map<string, PeerId>();
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
    rememberProtocolMerges(node.peerStore);
    const listener = this.#listener!;
    node.addEventListener('peer:connect', (e) => listener.peerConnected(e.detail.toString()));
    node.addEventListener('peer:disconnect', (e) => listener.peerDisconnected(e.detail.toString()));
    // Identify (and identify push) patch what a peer listens on into the peer store.
    node.addEventListener('peer:update', (e) => this.#peerUpdated(e.detail.peer));
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
    // A restarted node starts with an empty peer store: it learns every address again.
    this.#peerAddresses.clear();
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

  async openStream(
    peer: string,
    protocol: string,
    signal: AbortSignal,
    options: { readonly optimistic?: boolean } = {},
  ): Promise<ByteStream> {
    const connection = this.#openConnection(peer);
    // A peer without a handler: libp2p rejects the open, or, opened optimistically, ends the
    // stream when it is read.
    const noHandler = (e: Error) =>
      e?.name === 'UnsupportedProtocolError' ? new GossipNoHandlerError(peer, protocol) : e;
    try {
      const opts = {
        signal,
        runOnLimitedConnection: true,
        maxOutboundStreams: streamsPerConnectionMax,
        // Read by the muxer (connection-stack.ts, optimistic-select.ts), passed on by libp2p.
        optimistic: options.optimistic === true,
      };
      return byteStream(await connection.newStream(protocol, opts), noHandler);
    } catch (e) {
      throw noHandler(e as Error);
    }
  }

  async dial(address: string, signal: AbortSignal): Promise<string> {
    const connection = await this.#live().dial(multiaddr(address), { signal });
    return connection.remotePeer.toString();
  }

  async hangUp(peer: string): Promise<void> {
    await this.#node?.hangUp(this.#peerId(peer));
  }

  isConnected(peer: string): boolean {
    return this.#connections(peer).length > 0;
  }

  addresses(): string[] {
    return this.#node?.getMultiaddrs().map((a) => a.toString()) ?? [];
  }

  peerAddresses(peer: string): string[] {
    return this.#peerAddresses.get(peer);
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

  #peerUpdated(peer: Peer): void {
    const id = peer.id.toString();
    const announced = peer.addresses.map((a) => a.multiaddr.toString());
    if (this.#peerAddresses.learn(id, announced)) this.#listener?.peerAddressesChanged(id);
  }

  #live(): Libp2p<Services> {
    if (!this.#node) throw new GossipPeerUnreachableError(this.peerId, 'libp2p is not running');
    return this.#node;
  }

  #connections(peer: string): Connection[] {
    if (!this.#node) return [];
    return this.#node.getConnections(this.#peerId(peer)).filter((c) => c.status === 'open');
  }

  /**
   * Parsed once per peer: `peerIdFromString` decodes base58 and the key in it, and the
   * connection manager's lookup encodes it back unless the id has done so before. The mesh asks
   * on every tunnel it opens, for every admitted peer.
   */
  #peerId(peer: string): PeerId {
    let id = this.#peerIds.get(peer);
    if (!id) {
      if (this.#peerIds.size >= peerIdsCachedMax) this.#peerIds.clear();
      id = peerIdFromString(peer);
      this.#peerIds.set(peer, id);
    }
    return id;
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
      {
        runOnLimitedConnection: true,
        force: true,
        // libp2p's own default (32 in, 64 out per protocol and connection) cut a NodePort
        // under 64 concurrent clients; the hosted gossip counts and caps streams per peer.
        maxInboundStreams: streamsPerConnectionMax,
        maxOutboundStreams: streamsPerConnectionMax,
      },
    );
  }
}

/** `getScore` is on gossipsub's class but not its exported interface. */
export interface ScoreReader {
  getScore(peer: string): number;
}

/** So is `score`, whose per-topic weights a topic allowed by prefix joins when admitted. */
export interface ScoreParamsHolder {
  readonly score?: { readonly params: { readonly topics: Record<string, object> } };
}

/** A libp2p stream as core's `ByteStream`: the same shape, with one sink and one end. */
export function byteStream(
  stream: Stream,
  failure: (error: Error) => Error = (e) => e,
): ByteStream {
  let sink: ByteSink | undefined;
  let ended = false;
  const end = (error?: Error): void => {
    if (ended) return;
    ended = true;
    sink!.end(error && failure(error));
  };
  // Pausing or resuming a stream whose reads already closed is moot; libp2p throws for it.
  const readsOpen = () => stream.readStatus !== 'closed' && stream.readStatus !== 'closing';
  return {
    send: (data) => stream.send(data),
    onDrain: () => stream.onDrain(),
    read(next) {
      const first = sink === undefined;
      sink = next;
      if (!first) return;
      takeShortcuts(stream).addEventListener('message', ({ data }) => {
        if (!ended) sink!.data(data instanceof Uint8Array ? data : data.subarray());
      });
      // 'end' waits for bytes held back by a pause; a reset or abort ends with its 'close' error.
      const broken = () => stream.status === 'aborted' || stream.status === 'reset';
      stream.addEventListener('end', () => broken() || end());
      stream.addEventListener('close', ({ error }) => {
        if (error) end(error);
        else if (stream.readableEnded) end();
      });
      // An end that came before the first sink: after libp2p hands over what it buffered (its
      // own microtask, queued as the 'message' listener was added).
      if (broken()) {
        const why = selectionFailure(stream) ?? new Error(`stream ${stream.status} before reading`);
        queueMicrotask(() => end(why));
      } else if (stream.readableEnded) queueMicrotask(() => end());
    },
    pause: () => readsOpen() && stream.pause(),
    resume: () => readsOpen() && stream.resume(),
    close: () => stream.close(),
    abort: (e) => stream.abort(e),
  };
}
