/**
 * MemoryGossip: the `Gossip` port in memory, for the simulator and fast tests. Nodes join a
 * `MemoryNetwork`, are linked explicitly, flood messages to linked subscribers with per-hop
 * validation (a rejected message stops there and costs its sender), admit peers by certificate,
 * and answer requests — on the injected Clock and Random, with delay, loss, duplication, replay
 * and partitions from the network. It passes the same `runGossipConformance` as libp2p.
 * A node given `addresses` tells each peer it links with where it listens, as identify does.
 *
 *   const net = new MemoryNetwork({ lossRate: 0.01 }, { clock, random: seededRandom(7) });
 *   const a = net.node({ allowedTopics: [topic] });
 *   const b = net.node({ allowedTopics: [topic] });
 *   net.link(a, b);
 *   await Promise.all([a.start(), b.start()]);
 */
import {
  AdmissionTracker,
  checkPeer,
  TopicHandlers,
  ClosedError,
  GossipPeerUnreachableError,
  PeerAddressTable,
  GossipRequestTimeoutError,
  gossipScoreThresholds,
  assertBytesWithin,
  assertTopicAllowed,
  resolveGossipLimits,
  resolveStreamLimits,
  type Clock,
  type GossipStream,
  type GossipStreamHandler,
  type GossipStreamLimits,
  type StreamOptions,
  type Gossip,
  type GossipHandler,
  type GossipLimits,
  type GossipLimitsInit,
  type GossipValidator,
  type PeerAddressBook,
  type PeerEvent,
  type Random,
  type RequestHandler,
  type RequestOptions,
  type Unsubscribe,
  type VerifyPeer,
} from '@wisp/core';
import { answerRequest, settleResponse, type PendingRequest } from './memory-gossip-requests.ts';
import {
  memoryFaultDefaults,
  MemoryWires,
  type MemoryEndpoint,
  type MemoryFaults,
  type Packet,
  type TrafficStats,
} from './memory-gossip-network.ts';
import { PenaltyBook, SeenCache } from './memory-gossip-penalties.ts';
import { MemoryStreams } from './memory-gossip-streams.ts';

export type { MemoryFaults, TrafficStats } from './memory-gossip-network.ts';

export interface MemoryNetworkInit extends Partial<MemoryFaults> {
  /** How long a message id is remembered (gossipsub's seenTTL, default 2 min). */
  readonly seenTtlMs?: number;
  readonly seenEntriesMax?: number;
}

export interface MemoryGossipInit extends GossipLimitsInit, Partial<GossipStreamLimits> {
  /** Default `mem-<n>`. */
  readonly peerId?: string;
  /** Shown to peers; '' (the default) for a network that does not check identities. */
  readonly certPem?: string;
  /** Default: admit every peer. */
  readonly verifyPeer?: VerifyPeer;
  /** Where this node says it listens (multiaddrs); its peers keep the dialable ones. */
  readonly addresses?: readonly string[];
}

/** A node, or its peer id. */
type Node = { readonly peerId: string } | string;

export class MemoryNetwork {
  readonly #wires: MemoryWires;
  readonly #init: MemoryNetworkInit;
  readonly #random: Random;
  #next = 1;

  constructor(init: MemoryNetworkInit, components: { clock: Clock; random: Random }) {
    this.#init = init;
    this.#random = components.random;
    this.#wires = new MemoryWires(
      { ...memoryFaultDefaults, ...withoutUndefined(init) },
      components,
    );
  }

  node(init: MemoryGossipInit): MemoryGossip {
    const node = new MemoryGossip(init, {
      wires: this.#wires,
      random: this.#random,
      peerId: init.peerId ?? `mem-${this.#next++}`,
      seenTtlMs: this.#init.seenTtlMs ?? 120_000,
      seenEntriesMax: this.#init.seenEntriesMax ?? 100_000,
    });
    this.#wires.add(node);
    return node;
  }

  /** A link both nodes keep while running and not partitioned. */
  link(a: Node, b: Node): void {
    this.#wires.link(idOf(a), idOf(b));
  }

  unlink(a: Node, b: Node): void {
    this.#wires.unlink(idOf(a), idOf(b));
  }

  /** Splits the network: links between different groups go down until `heal`. */
  partition(...groups: readonly (readonly Node[])[]): void {
    this.#wires.partition(groups.map((g) => g.map(idOf)));
  }

  heal(): void {
    this.#wires.heal();
  }

  setFaults(faults: Partial<MemoryFaults>): void {
    this.#wires.setFaults(faults);
  }

  stats(node: Node): TrafficStats | undefined {
    return this.#wires.stats(idOf(node));
  }
}

function idOf(n: Node): string {
  return typeof n === 'string' ? n : n.peerId;
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface NodeComponents {
  readonly wires: MemoryWires;
  readonly random: Random;
  readonly peerId: string;
  readonly seenTtlMs: number;
  readonly seenEntriesMax: number;
}

export class MemoryGossip implements Gossip, PeerAddressBook, MemoryEndpoint {
  readonly peerId: string;
  readonly certPem: string;
  readonly #verifyPeer: VerifyPeer;
  readonly #wires: MemoryWires;
  readonly #clock: Clock;
  readonly #limits: GossipLimits;
  readonly #admission: AdmissionTracker;
  readonly #seen: SeenCache;
  readonly #penalties: PenaltyBook;
  readonly #topics = new Set<string>();
  readonly #topicHandlers: TopicHandlers;
  readonly #protocols = new Map<string, RequestHandler>();
  readonly #peerListeners = new Set<(event: PeerEvent) => void>();
  readonly #addressListeners = new Set<(peer: string) => void>();
  readonly #peerAddresses = new PeerAddressTable();
  #addresses: readonly string[];
  readonly #pending = new Map<number, PendingRequest>();
  readonly #streams: MemoryStreams;
  #running = false;
  #seq = 0;

  constructor(init: MemoryGossipInit, c: NodeComponents) {
    this.peerId = c.peerId;
    this.certPem = init.certPem ?? '';
    this.#verifyPeer = init.verifyPeer ?? (() => true);
    this.#addresses = [...(init.addresses ?? [])];
    this.#wires = c.wires;
    this.#clock = c.wires.clock;
    this.#limits = resolveGossipLimits(init);
    // A handler's or validator's failure is its own: delivery and forwarding go on.
    this.#topicHandlers = new TopicHandlers(this.#limits);
    this.#admission = new AdmissionTracker(this.#limits, {
      clock: this.#clock,
      onExpired: (peer) => this.#wires.unlink(this.peerId, peer),
    });
    this.#seen = new SeenCache(this.#clock, c.seenTtlMs, c.seenEntriesMax);
    this.#penalties = new PenaltyBook(this.#clock);
    this.#streams = new MemoryStreams({
      peerId: this.peerId,
      clock: this.#clock,
      limits: resolveStreamLimits(init),
      openTimeoutMs: this.#limits.requestTimeoutMs,
      send: (to, packet) => this.#wires.transmitOrdered(this.peerId, to, packet),
      running: () => this.#running,
      reachable: (peer) => this.#admission.isAdmitted(peer) && this.#wires.isUp(this.peerId, peer),
      decided: (peer) => this.#admission.decided(peer),
    });
  }

  start(): void {
    this.#running = true;
    this.#wires.refresh();
  }

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    for (const p of this.#pending.values()) p.fail(new ClosedError('gossip: node stopped'));
    this.#pending.clear();
    this.#streams.abortAll(new ClosedError('gossip: node stopped'));
    this.#wires.refresh();
    this.#admission.clear();
    this.#peerAddresses.clear();
  }

  isRunning(): boolean {
    return this.#running;
  }

  isSubscribed(topic: string): boolean {
    return this.#topics.has(topic);
  }

  subscribe(topic: string): void {
    assertTopicAllowed(this.#limits, topic);
    this.#topics.add(topic);
  }

  unsubscribe(topic: string): void {
    this.#topics.delete(topic);
  }

  async publish(topic: string, data: Uint8Array): Promise<void> {
    if (!this.#running) throw new ClosedError('gossip: publish on a stopped node');
    assertTopicAllowed(this.#limits, topic);
    assertBytesWithin(data, this.#limits.gossipMessageBytesMax, 'data');
    const msgId = `${this.peerId}/${++this.#seq}`;
    this.#seen.seen(msgId);
    this.#fanOut({ type: 'gossip', msgId, topic, data: data.slice(), author: this.peerId });
  }

  setValidator(topic: string, validator: GossipValidator): Unsubscribe {
    return this.#topicHandlers.setValidator(topic, validator);
  }

  onMessage(topic: string, handler: GossipHandler): Unsubscribe {
    return this.#topicHandlers.onMessage(topic, handler);
  }

  handle(protocol: string, handler: RequestHandler): Unsubscribe {
    this.#protocols.set(protocol, handler);
    return () => {
      if (this.#protocols.get(protocol) === handler) this.#protocols.delete(protocol);
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
    if (!this.#admission.isAdmitted(peer) || !this.#wires.isUp(this.peerId, peer)) {
      throw new GossipPeerUnreachableError(peer, 'not connected');
    }
    const timeoutMs = options.timeoutMs ?? this.#limits.requestTimeoutMs;
    const id = ++this.#seq;
    return new Promise<Uint8Array>((resolve, reject) => {
      const done = (): void => {
        this.#clock.clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.#pending.delete(id);
      };
      const fail = (e: unknown): void => {
        done();
        reject(e);
      };
      const onAbort = (): void => fail(options.signal?.reason);
      const timer = this.#clock.setTimeout(
        () => fail(new GossipRequestTimeoutError(peer, protocol, timeoutMs)),
        timeoutMs,
      );
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const succeed = (body: Uint8Array): void => {
        done();
        resolve(body);
      };
      this.#pending.set(id, { peer, protocol, succeed, fail });
      this.#wires.transmit(this.peerId, peer, {
        type: 'request',
        id,
        protocol,
        data: data.slice(),
      });
    });
  }

  handleStream(protocol: string, handler: GossipStreamHandler): Unsubscribe {
    return this.#streams.handle(protocol, handler);
  }

  async openStream(peer: string, protocol: string, options?: StreamOptions): Promise<GossipStream> {
    return this.#streams.open(peer, protocol, options);
  }

  onPeer(listener: (event: PeerEvent) => void): Unsubscribe {
    this.#peerListeners.add(listener);
    return () => void this.#peerListeners.delete(listener);
  }

  peers(): string[] {
    return this.#admission.admitted().filter((p) => this.#wires.isUp(this.peerId, p));
  }

  async disconnect(peer: string): Promise<void> {
    this.#wires.unlink(this.peerId, peer);
  }

  peerAddresses(peer: string): string[] {
    return this.#peerAddresses.get(peer);
  }

  onPeerAddresses(listener: (peer: string) => void): Unsubscribe {
    this.#addressListeners.add(listener);
    return () => void this.#addressListeners.delete(listener);
  }

  listenAddresses(): readonly string[] {
    return this.#addresses;
  }

  /** Listens elsewhere from now on; connected peers hear it (as libp2p's identify push). */
  setAddresses(addresses: readonly string[]): void {
    this.#addresses = [...addresses];
    for (const peer of this.peers()) {
      this.#wires.later(() => this.#wires.node(peer)?.identify(this));
    }
  }

  identify(peer: MemoryEndpoint): void {
    if (!this.#running || !this.#wires.isUp(this.peerId, peer.peerId)) return;
    if (!this.#peerAddresses.learn(peer.peerId, peer.listenAddresses())) return;
    for (const listener of this.#addressListeners) {
      try {
        listener(peer.peerId);
      } catch {
        // One listener's failure must not hide the change from the others.
      }
    }
  }

  /** The invalid-message penalty this node holds against `peer` (0: none). */
  peerScore(peer: string): number {
    return this.#penalties.score(peer);
  }

  linkUp(peer: MemoryEndpoint): void {
    this.#admission.connected(peer.peerId);
    this.#wires.later(() => {
      // Identify runs beside admission, so addresses may be known before the peer is admitted.
      this.identify(peer);
      void checkPeer(this.#verifyPeer, peer.certPem, peer.peerId).then((ok) => {
        if (!this.#running || !this.#wires.isUp(this.peerId, peer.peerId)) return;
        if (!ok) {
          this.#admission.refuse(peer.peerId);
          this.#wires.unlink(this.peerId, peer.peerId);
        } else if (this.#admission.admit(peer.peerId)) {
          this.#emit({ type: 'connect', peer: peer.peerId });
        }
      });
    });
  }

  linkDown(peer: string): void {
    this.#streams.abortAll(new GossipPeerUnreachableError(peer, 'disconnected'), peer);
    if (this.#admission.disconnected(peer) && this.#running) {
      this.#emit({ type: 'disconnect', peer });
    }
  }

  receive(packet: Packet, from: string): void {
    if (!this.#running) return;
    if (packet.type === 'gossip') void this.#receiveGossip(packet, from);
    else if (packet.type === 'request') void this.#receiveRequest(packet, from);
    else if (packet.type === 'stream') this.#streams.receive(packet, from);
    else {
      const pending = this.#pending.get(packet.id);
      if (pending) settleResponse(pending, packet.frame);
    }
  }

  async #receiveGossip(packet: Packet & { type: 'gossip' }, from: string): Promise<void> {
    if (this.#seen.seen(packet.msgId)) return;
    if (this.#penalties.score(from) < gossipScoreThresholds.graylistThreshold) return;
    const verdict = await this.#topicHandlers.validate(
      packet.topic,
      packet.data,
      packet.author,
      () => this.#admission.decided(from),
    );
    if (verdict === 'reject') this.#penalties.penalise(from);
    if (verdict !== 'accept' || !this.#running || !this.#topics.has(packet.topic)) return;
    this.#topicHandlers.deliver(packet.topic, packet.data, packet.author);
    this.#fanOut(packet, from);
  }

  async #receiveRequest(packet: Packet & { type: 'request' }, from: string): Promise<void> {
    const frame = await answerRequest(packet.data, from, {
      admitted: this.#admission.decided(from),
      handler: this.#protocols.get(packet.protocol),
      requestBytesMax: this.#limits.requestBytesMax,
    });
    if (this.#running)
      this.#wires.transmit(this.peerId, from, { type: 'response', id: packet.id, frame });
  }

  #fanOut(packet: Packet & { type: 'gossip' }, except?: string): void {
    for (const peer of this.peers()) {
      if (peer === except || !this.#wires.node(peer)?.isSubscribed(packet.topic)) continue;
      this.#wires.transmit(this.peerId, peer, packet);
    }
  }

  #emit(event: PeerEvent): void {
    for (const listener of this.#peerListeners) {
      try {
        listener(event);
      } catch {
        // One listener's failure must not hide the event from the others.
      }
    }
  }
}
