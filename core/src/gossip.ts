/**
 * The `Gossip` port: what the distributor, the agent's sync and the simulator need from the
 * network — topics with per-topic validation, request/response protocols, and admitted peers.
 * libp2p implements it in one adapter per side; testkit's MemoryGossip implements it in memory;
 * both pass `runGossipConformance`.
 *
 *   const off = gossip.onMessage(topic, (bytes, from) => sync.offer(bytes, from));
 *   gossip.setValidator(topic, (bytes) => (verify(bytes) ? 'accept' : 'reject'));
 *   gossip.subscribe(topic);
 *   await gossip.publish(topic, encoded);
 *   const answer = await gossip.request(peer, '/wisp/catch-up/1.0.0', ask, { timeoutMs: 2000 });
 *
 * Peer ids are libp2p peer id strings. A peer counts as connected only once admitted (it
 * presented a certificate `verifyPeer` accepted); events and `peers()` speak of admitted peers.
 */
import type { Startable } from './lifecycle.ts';

export * from './gossip-errors.ts';
export * from './gossip-limits.ts';
export * from './gossip-frame.ts';
export * from './gossip-admission.ts';
export * from './gossip-identity.ts';
export * from './byte-stream.ts';
export * from './gossip-host.ts';
export * from './gossip-router.ts';
export * from './gossip-hosted.ts';
export * from './gossip-topic-handlers.ts';
export * from './gossip-deadline.ts';
export * from './gossip-request.ts';
export * from './gossip-stream.ts';
export * from './gossip-peer-addresses.ts';

import type { GossipStream, GossipStreamHandler, StreamOptions } from './gossip-stream.ts';

/**
 * What a validator decides about one message: `accept` delivers and forwards it; `reject` drops
 * it and penalises the peer that sent it; `ignore` drops it without penalty (a stale but honest
 * message, such as an older revision).
 */
export type GossipValidation = 'accept' | 'reject' | 'ignore';

/**
 * `from` is the peer that authored the message, not the one that relayed it, where the network
 * knows it; over libp2p it is '' (gossip is not signed per hop there: payloads carry their own
 * signatures, which is what validators check).
 */
export type GossipValidator = (
  data: Uint8Array,
  from: string,
) => GossipValidation | Promise<GossipValidation>;

export type GossipHandler = (data: Uint8Array, from: string) => void;

/** Answers one request; a throw reaches the requester as `GossipRemoteError`. */
export type RequestHandler = (data: Uint8Array, from: string) => Uint8Array | Promise<Uint8Array>;

export interface RequestOptions {
  /** Defaults to the implementation's `requestTimeoutMs`. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface PeerEvent {
  readonly type: 'connect' | 'disconnect';
  readonly peer: string;
}

/** Undoes a registration. Calling it twice is harmless. */
export type Unsubscribe = () => void;

export interface Gossip extends Startable {
  /** This node's peer id. */
  readonly peerId: string;
  /** Throws `GossipTopicNotAllowedError` for a topic outside the allow-list. */
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /**
   * Sends to every subscriber but this node. Rejects with `GossipTopicNotAllowedError`,
   * `GossipMessageTooLargeError` or `ClosedError`; resolves once handed to the network, not once
   * delivered.
   */
  publish(topic: string, data: Uint8Array): Promise<void>;
  /** One validator per topic (a new one replaces the old); messages pass it before handlers. */
  setValidator(topic: string, validator: GossipValidator): Unsubscribe;
  onMessage(topic: string, handler: GossipHandler): Unsubscribe;
  /** One handler per protocol; a new one replaces the old. */
  handle(protocol: string, handler: RequestHandler): Unsubscribe;
  /**
   * Asks a connected, admitted peer. Rejects with `GossipPeerUnreachableError` (not connected),
   * `GossipNoHandlerError`, `GossipRemoteError`, `GossipRequestTimeoutError` or
   * `GossipMessageTooLargeError`.
   */
  request(
    peer: string,
    protocol: string,
    data: Uint8Array,
    options?: RequestOptions,
  ): Promise<Uint8Array>;
  /**
   * One handler per stream protocol (a new one replaces the old). Inbound streams reach it only
   * from admitted peers and only within `streamsPerPeerMax`; others are reset.
   */
  handleStream(protocol: string, handler: GossipStreamHandler): Unsubscribe;
  /**
   * Opens a duplex byte stream to a connected, admitted peer (over a relay if that is the only
   * route). Rejects with `GossipPeerUnreachableError`, `GossipNoHandlerError`,
   * `GossipStreamLimitError` or `GossipRequestTimeoutError`. Never dials.
   */
  openStream(peer: string, protocol: string, options?: StreamOptions): Promise<GossipStream>;
  onPeer(listener: (event: PeerEvent) => void): Unsubscribe;
  /** Admitted, connected peers. */
  peers(): string[];
  /** Closes every connection to `peer`; both sides see a `disconnect` event. */
  disconnect(peer: string): Promise<void>;
}

/**
 * Where other peers can be dialled, as this node learnt it from them (over libp2p: identify,
 * kept in the peer store). The control plane is connected to every agent, so it can tell each
 * agent where the others listen and spare their traffic a relay.
 */
export interface PeerAddressBook {
  /**
   * Addresses `peer` said it listens on that another machine could dial (`dialableAddresses`):
   * each ending in `/p2p/<peer>`, TCP only, no relay circuits or unspecified hosts, loopback
   * last, at most `peerAddressesMax`. [] for a peer never heard from. Learnt once connected, so
   * possibly before the peer is admitted; kept after it disconnects.
   */
  peerAddresses(peer: string): string[];
  /** Hears each peer whose `peerAddresses` became known or changed. */
  onPeerAddresses(listener: (peer: string) => void): Unsubscribe;
}

/** A Gossip on a real network: it has addresses, can dial, and scores its peers. */
export interface NetworkGossip extends Gossip, PeerAddressBook {
  /** Addresses peers can dial, each ending in `/p2p/<peerId>`. */
  addresses(): string[];
  /**
   * Connects to a multiaddr ending in `/p2p/<peerId>`; resolves with that peer id. Gives up
   * after `timeoutMs` (default `requestTimeoutMs`) or on `signal`, cancelling the dial.
   */
  dial(address: string, options?: RequestOptions): Promise<string>;
  /** The router's score of `peer` (negative: penalised), or undefined for an unknown peer. */
  peerScore(peer: string): number | undefined;
}
