/**
 * The `Gossip` port over any `GossipHost`: peer admission by certificate, the topic allow-list
 * and size caps, validators, request/response framing, peer events and bootstrap redialling.
 * Both libp2p adapters are this plus their wiring, so the control plane and the agent behave
 * alike by construction.
 *
 *   const gossip = createHostedGossip(
 *     { allowedTopics: [clusterTopic, siteTopic('store-42')], bootstrap: [serverAddress] },
 *     { host, clock, random, identity: { certPem, verifyPeer } },
 *   );
 *   await gossip.start();
 */
import type { Clock } from './clock.ts';
import { ClosedError } from './errors.ts';
import { AdmissionTracker } from './gossip-admission.ts';
import { clockDeadline, streamFailure, untilAborted } from './gossip-deadline.ts';
import { GossipPeerUnreachableError } from './gossip-errors.ts';
import type { GossipHost, GossipHostListener } from './gossip-host.ts';
import { answerIdentity, offerIdentity } from './gossip-identity-exchange.ts';
import { identityProtocol, type PeerIdentity, type VerifyPeer } from './gossip-identity.ts';
import {
  assertBytesWithin,
  assertTopicAllowed,
  resolveGossipLimits,
  type GossipLimits,
  type GossipLimitsInit,
} from './gossip-limits.ts';
import { Redialer } from './gossip-redial.ts';
import { TopicHandlers } from './gossip-topic-handlers.ts';
import { exchange, serveRequest } from './gossip-request.ts';
import { HostedStreams } from './gossip-stream-hosted.ts';
import {
  resolveStreamLimits,
  type GossipStream,
  type GossipStreamHandler,
  type GossipStreamLimits,
  type StreamOptions,
} from './gossip-stream.ts';
import type {
  GossipHandler,
  GossipValidation,
  GossipValidator,
  NetworkGossip,
  PeerEvent,
  RequestHandler,
  RequestOptions,
  Unsubscribe,
} from './gossip.ts';
import type { Random } from './random.ts';

export interface HostedGossipInit extends GossipLimitsInit, Partial<GossipStreamLimits> {
  /** Addresses to stay connected to (each ending in `/p2p/<peerId>`). */
  readonly bootstrap?: readonly string[];
  /** Default 1 s; doubles per failed dial. */
  readonly redialIntervalMs?: number;
  /** Default 60 s. */
  readonly redialBackoffMaxMs?: number;
}

export interface HostedGossipComponents {
  readonly host: GossipHost;
  readonly clock: Clock;
  readonly random: Random;
  readonly identity: PeerIdentity;
  /** Failures nobody awaits (a throwing handler, a failed redial); default: dropped. */
  readonly onError?: (e: unknown) => void;
}

export const redialDefaults = { redialIntervalMs: 1000, redialBackoffMaxMs: 60_000 } as const;

export function createHostedGossip(
  init: HostedGossipInit,
  components: HostedGossipComponents,
): NetworkGossip {
  return new HostedGossip(init, components);
}

class HostedGossip implements NetworkGossip {
  readonly peerId: string;
  readonly #limits: GossipLimits;
  readonly #c: HostedGossipComponents;
  readonly #host: GossipHost;
  readonly #admission: AdmissionTracker;
  readonly #redialer: Redialer;
  readonly #topics = new Set<string>();
  readonly #topicHandlers: TopicHandlers;
  readonly #protocols = new Map<string, RequestHandler>();
  readonly #peerListeners = new Set<(event: PeerEvent) => void>();
  readonly #addressListeners = new Set<(peer: string) => void>();
  readonly #streams: HostedStreams;
  #running = false;
  /** Connections may open while the host starts; admission runs from then until stop. */
  #admitting = false;

  constructor(init: HostedGossipInit, c: HostedGossipComponents) {
    this.#limits = resolveGossipLimits(init);
    this.#c = c;
    this.#topicHandlers = new TopicHandlers(this.#limits, c.onError);
    this.#host = c.host;
    this.peerId = c.host.peerId;
    this.#admission = new AdmissionTracker(this.#limits, {
      clock: c.clock,
      onExpired: (peer) => this.#hangUp(peer),
    });
    this.#redialer = new Redialer(
      {
        bootstrap: init.bootstrap ?? [],
        redialIntervalMs: init.redialIntervalMs ?? redialDefaults.redialIntervalMs,
        redialBackoffMaxMs: init.redialBackoffMaxMs ?? redialDefaults.redialBackoffMaxMs,
      },
      {
        clock: c.clock,
        random: c.random,
        dial: (address) => this.dial(address),
        isConnected: (peer) => this.#host.isConnected(peer),
        onError: c.onError,
      },
    );
    this.#streams = new HostedStreams({
      host: c.host,
      clock: c.clock,
      limits: resolveStreamLimits(init),
      openTimeoutMs: this.#limits.requestTimeoutMs,
      running: () => this.#running,
      admitted: (peer) => this.#admission.isAdmitted(peer),
      decided: (peer) => this.#decided(peer),
      onError: c.onError,
    });
    this.#host.setListener(this.#listener());
  }

  async start(): Promise<void> {
    if (this.#running) return;
    await this.#host.handle(identityProtocol, (stream, peer) => {
      void answerIdentity(stream, peer, this.#identityContext()).then((ok) =>
        this.#identified(peer, ok),
      );
    });
    for (const protocol of this.#protocols.keys()) await this.#register(protocol);
    for (const protocol of this.#streams.protocols()) await this.#streams.register(protocol);
    this.#admitting = true;
    try {
      await this.#host.start();
    } catch (e) {
      this.#admitting = false;
      throw e;
    }
    this.#running = true;
    for (const topic of this.#topics) this.#host.subscribe(topic);
    this.#redialer.start();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#admitting = false;
    this.#redialer.stop();
    this.#admission.clear();
    this.#streams.abortAll(new ClosedError('gossip: node stopped'));
    await this.#host.stop();
  }

  subscribe(topic: string): void {
    assertTopicAllowed(this.#limits, topic);
    this.#topics.add(topic);
    if (this.#running) this.#host.subscribe(topic);
  }

  unsubscribe(topic: string): void {
    if (!this.#topics.delete(topic)) return;
    if (this.#running) this.#host.unsubscribe(topic);
  }

  async publish(topic: string, data: Uint8Array): Promise<void> {
    if (!this.#running) throw new ClosedError('gossip: publish on a stopped node');
    assertTopicAllowed(this.#limits, topic);
    assertBytesWithin(data, this.#limits.gossipMessageBytesMax, 'data');
    await this.#host.publish(topic, data);
  }

  setValidator(topic: string, validator: GossipValidator): Unsubscribe {
    return this.#topicHandlers.setValidator(topic, validator);
  }

  onMessage(topic: string, handler: GossipHandler): Unsubscribe {
    return this.#topicHandlers.onMessage(topic, handler);
  }

  handle(protocol: string, handler: RequestHandler): Unsubscribe {
    this.#assertFree(protocol, this.#streams.has(protocol));
    const fresh = !this.#protocols.has(protocol);
    this.#protocols.set(protocol, handler);
    if (fresh && this.#running) void this.#register(protocol).catch((e) => this.#c.onError?.(e));
    return () => {
      if (this.#protocols.get(protocol) !== handler) return;
      this.#protocols.delete(protocol);
      if (this.#running) void this.#host.unhandle(protocol).catch((e) => this.#c.onError?.(e));
    };
  }

  async request(
    peer: string,
    protocol: string,
    data: Uint8Array,
    options: RequestOptions = {},
  ): Promise<Uint8Array> {
    if (!this.#running) throw new ClosedError('gossip: request on a stopped node');
    assertBytesWithin(data, this.#limits.requestBytesMax, 'data');
    if (!this.#admission.isAdmitted(peer) || !this.#host.isConnected(peer)) {
      throw new GossipPeerUnreachableError(peer, 'not connected');
    }
    const timeoutMs = options.timeoutMs ?? this.#limits.requestTimeoutMs;
    const limit = clockDeadline(this.#c.clock, timeoutMs, options.signal);
    try {
      // The request goes with the protocol's selection: one round trip to the answer, not two.
      // A peer without a handler then fails the exchange, not the open (GossipNoHandlerError).
      const stream = await untilAborted(
        this.#host.openStream(peer, protocol, limit.signal, { optimistic: true }),
        limit.signal,
      );
      const answer = exchange(stream, peer, protocol, data, this.#limits.requestBytesMax);
      return await untilAborted(answer, limit.signal).catch((e: unknown) => {
        stream.abort(e instanceof Error ? e : new Error(String(e)));
        throw e;
      });
    } catch (e) {
      throw streamFailure(e, limit, { peer, protocol, timeoutMs }, options.signal);
    } finally {
      limit.clear();
    }
  }

  handleStream(protocol: string, handler: GossipStreamHandler): Unsubscribe {
    this.#assertFree(protocol, this.#protocols.has(protocol));
    return this.#streams.handle(protocol, handler);
  }

  openStream(peer: string, protocol: string, options?: StreamOptions): Promise<GossipStream> {
    return this.#streams.open(peer, protocol, options);
  }

  /** A protocol is the admission one, a request one or a stream one: never two at once. */
  #assertFree(protocol: string, takenByOtherKind: boolean): void {
    if (protocol === identityProtocol) {
      throw new RangeError(`protocol: Forbidden: ${identityProtocol} is the admission protocol`);
    }
    if (takenByOtherKind) {
      throw new RangeError(`protocol: Duplicate: ${protocol} is handled as the other kind`);
    }
  }

  onPeer(listener: (event: PeerEvent) => void): Unsubscribe {
    this.#peerListeners.add(listener);
    return () => void this.#peerListeners.delete(listener);
  }

  peers(): string[] {
    return this.#admission.admitted().filter((p) => this.#host.isConnected(p));
  }

  async disconnect(peer: string): Promise<void> {
    await this.#host.hangUp(peer);
  }

  addresses(): string[] {
    return this.#host.addresses();
  }

  peerAddresses(peer: string): string[] {
    return this.#host.peerAddresses?.(peer) ?? [];
  }

  onPeerAddresses(listener: (peer: string) => void): Unsubscribe {
    this.#addressListeners.add(listener);
    return () => void this.#addressListeners.delete(listener);
  }

  async dial(address: string, options: RequestOptions = {}): Promise<string> {
    if (!this.#running) throw new ClosedError('gossip: dial on a stopped node');
    const timeoutMs = options.timeoutMs ?? this.#limits.requestTimeoutMs;
    const limit = clockDeadline(this.#c.clock, timeoutMs, options.signal);
    try {
      return await untilAborted(this.#host.dial(address, limit.signal), limit.signal);
    } finally {
      limit.clear();
    }
  }

  peerScore(peer: string): number | undefined {
    return this.#host.peerScore(peer);
  }

  #listener(): GossipHostListener {
    return {
      validate: (topic, data, source, author) => this.#validate(topic, data, source, author),
      message: (topic, data, author) => this.#deliver(topic, data, author),
      peerConnected: (peer) => this.#connected(peer),
      peerDisconnected: (peer) => this.#disconnected(peer),
      peerAddressesChanged: (peer) => this.#tell(this.#addressListeners, peer),
    };
  }

  async #validate(
    topic: string,
    data: Uint8Array,
    source: string,
    author: string,
  ): Promise<GossipValidation> {
    return this.#topicHandlers.validate(topic, data, author, () => this.#decided(source));
  }

  #deliver(topic: string, data: Uint8Array, author: string): void {
    if (this.#topics.has(topic)) this.#topicHandlers.deliver(topic, data, author);
  }

  #connected(peer: string): void {
    if (!this.#admitting) return;
    this.#admission.connected(peer);
    offerIdentity(this.#host, peer, this.#identityContext()).then(
      (accepted) => {
        if (!accepted) this.#hangUp(peer);
      },
      // No verdict: our deadline on them, or theirs on us, settles it.
      () => undefined,
    );
  }

  #disconnected(peer: string): void {
    if (this.#admission.disconnected(peer)) this.#emit({ type: 'disconnect', peer });
    this.#redialer.peerDisconnected(peer);
  }

  #identified(peer: string, ok: boolean): void {
    if (!this.#admitting || !this.#host.isConnected(peer)) return;
    if (!ok) {
      this.#admission.refuse(peer);
      this.#hangUp(peer);
    } else if (this.#admission.admit(peer)) {
      this.#emit({ type: 'connect', peer });
    }
  }

  #identityContext() {
    return {
      clock: this.#c.clock,
      admissionTimeoutMs: this.#limits.admissionTimeoutMs,
      identity: this.#c.identity,
    };
  }

  async #register(protocol: string): Promise<void> {
    await this.#host.handle(protocol, (stream, peer) => {
      const handler = this.#protocols.get(protocol);
      if (!handler) return stream.abort(new Error(`${protocol}: no handler`));
      void serveRequest(stream, peer, protocol, handler, {
        clock: this.#c.clock,
        requestBytesMax: this.#limits.requestBytesMax,
        requestTimeoutMs: this.#limits.requestTimeoutMs,
        admitted: this.#decided(peer),
        onError: this.#c.onError,
      });
    });
  }

  /** Whether `peer` is (or within the deadline becomes) admitted; no for a peer already gone. */
  #decided(peer: string): Promise<boolean> {
    if (!this.#host.isConnected(peer)) return Promise.resolve(false);
    return this.#admission.decided(peer);
  }

  #hangUp(peer: string): void {
    this.#host.hangUp(peer).catch((e) => this.#c.onError?.(e));
  }

  #emit(event: PeerEvent): void {
    this.#tell(this.#peerListeners, event);
  }

  #tell<T>(listeners: ReadonlySet<(value: T) => void>, value: T): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (e) {
        this.#c.onError?.(e);
      }
    }
  }
}

/** What both libp2p adapters take beyond the hosted options; each side adds its own. */
export interface NetworkGossipInit extends HostedGossipInit {
  /** The node's Ed25519 key: its 32-byte seed, or libp2p's 64-byte raw form. */
  readonly nodeKey: Uint8Array;
  /** The node certificate (PEM) issued for that key, shown to every peer. */
  readonly certPem: string;
  /** Multiaddrs to listen on; each side has its own default. */
  readonly listen?: readonly string[];
  readonly connectionsMax?: number;
  /**
   * New inbound connections accepted per second from one IP address. A whole site behind one
   * NAT reconnects at once after an outage, so each side sets this well above libp2p's 5.
   */
  readonly inboundConnectionsPerHostPerSecondMax?: number;
  /** Inbound connections still upgrading (handshakes in flight) at once. */
  readonly pendingInboundConnectionsMax?: number;
  /** The gossipsub heartbeat; default 1 s. */
  readonly heartbeatIntervalMs?: number;
  /** Return false to refuse dialling an address (tests use it to force relayed routes). */
  readonly dialFilter?: (address: string) => boolean;
}

export interface NetworkGossipComponents {
  readonly clock: Clock;
  readonly random: Random;
  readonly verifyPeer: VerifyPeer;
  readonly onError?: (e: unknown) => void;
}
