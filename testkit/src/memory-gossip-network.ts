/**
 * The wires between MemoryGossip nodes: which links are wanted, which are up (both ends running,
 * not partitioned), and what happens to a packet on its way (delay, loss, duplication, replay),
 * all on the injected Clock and Random, so a run is reproducible from its seed.
 */
import type { Clock, Random } from '@wisp/core';

export interface MemoryFaults {
  /** One-way delay, drawn uniformly from [delayMinMs, delayMaxMs]. */
  readonly delayMinMs: number;
  readonly delayMaxMs: number;
  /** Chance a packet is dropped. */
  readonly lossRate: number;
  /** Chance a packet arrives twice (shortly after); gossip's seen-cache absorbs it. */
  readonly duplicateRate: number;
  /** Chance a gossip packet arrives again `replayDelayMs` later, as an attacker would replay it. */
  readonly replayRate: number;
  /** Default past the seen-cache TTL, so the application meets the replay. */
  readonly replayDelayMs: number;
}

export const memoryFaultDefaults: MemoryFaults = {
  delayMinMs: 1,
  delayMaxMs: 5,
  lossRate: 0,
  duplicateRate: 0,
  replayRate: 0,
  replayDelayMs: 150_000,
};

export type Packet =
  | {
      readonly type: 'gossip';
      readonly msgId: string;
      readonly topic: string;
      readonly data: Uint8Array;
      readonly author: string;
    }
  | {
      readonly type: 'request';
      readonly id: number;
      readonly protocol: string;
      readonly data: Uint8Array;
    }
  | { readonly type: 'response'; readonly id: number; readonly frame: Uint8Array }
  | StreamPacket;

/**
 * One step of a stream between two nodes, keyed by `<opener peer id>#<n>`. Streams ride a
 * reliable, ordered channel (as yamux over TCP does): no loss, duplication or reordering.
 */
export type StreamPacket = {
  readonly type: 'stream';
  readonly key: string;
} & (
  | { readonly op: 'open'; readonly protocol: string }
  | { readonly op: 'accept' | 'no-handler' | 'end' | 'reset' }
  | { readonly op: 'data'; readonly data: Uint8Array }
  | { readonly op: 'ack'; readonly bytes: number }
);

/** What the network needs from a node. */
export interface MemoryEndpoint {
  readonly peerId: string;
  readonly certPem: string;
  /** Where the node listens, as it tells the peers it connects to. */
  listenAddresses(): readonly string[];
  isRunning(): boolean;
  isSubscribed(topic: string): boolean;
  linkUp(peer: MemoryEndpoint): void;
  linkDown(peer: string): void;
  /** `peer` told this node where it listens (libp2p's identify). */
  identify(peer: MemoryEndpoint): void;
  receive(packet: Packet, from: string): void;
}

export interface TrafficStats {
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

export class MemoryWires {
  readonly #clock: Clock;
  readonly #random: Random;
  #faults: MemoryFaults;
  readonly #nodes = new Map<string, MemoryEndpoint>();
  readonly #wanted = new Map<string, [string, string]>();
  readonly #up = new Set<string>();
  readonly #groups = new Map<string, number>();
  readonly #stats = new Map<string, TrafficStats>();
  /** When the last ordered packet from one node to another lands (monotonic ms). */
  readonly #orderedLandMs = new Map<string, number>();

  constructor(faults: MemoryFaults, components: { clock: Clock; random: Random }) {
    this.#faults = faults;
    this.#clock = components.clock;
    this.#random = components.random;
  }

  get clock(): Clock {
    return this.#clock;
  }

  get faults(): MemoryFaults {
    return this.#faults;
  }

  setFaults(faults: Partial<MemoryFaults>): void {
    this.#faults = { ...this.#faults, ...faults };
  }

  add(node: MemoryEndpoint): void {
    if (this.#nodes.has(node.peerId)) throw new RangeError(`peerId: Duplicate: ${node.peerId}`);
    this.#nodes.set(node.peerId, node);
    this.#stats.set(node.peerId, {
      packetsSent: 0,
      bytesSent: 0,
      packetsReceived: 0,
      bytesReceived: 0,
    });
  }

  node(peerId: string): MemoryEndpoint | undefined {
    return this.#nodes.get(peerId);
  }

  link(a: string, b: string): void {
    if (a === b) throw new RangeError('link: a node does not link to itself');
    this.#wanted.set(pairKey(a, b), [a, b]);
    this.refresh();
  }

  unlink(a: string, b: string): void {
    this.#wanted.delete(pairKey(a, b));
    this.refresh();
  }

  isUp(a: string, b: string): boolean {
    return this.#up.has(pairKey(a, b));
  }

  /** Cuts every link between different groups; nodes in no group reach only each other. */
  partition(groups: readonly (readonly string[])[]): void {
    this.#groups.clear();
    groups.forEach((g, i) => g.forEach((peer) => this.#groups.set(peer, i)));
    this.refresh();
  }

  heal(): void {
    this.#groups.clear();
    this.refresh();
  }

  stats(peerId: string): TrafficStats | undefined {
    const s = this.#stats.get(peerId);
    return s && { ...s };
  }

  /** Brings links up or down to match wants, running nodes and partitions. */
  refresh(): void {
    for (const [key, [a, b]] of this.#wanted) this.#settle(key, a, b);
    for (const key of [...this.#up]) {
      if (!this.#wanted.has(key)) this.#down(key, ...(key.split(' ') as [string, string]));
    }
  }

  #settle(key: string, a: string, b: string): void {
    const na = this.#nodes.get(a);
    const nb = this.#nodes.get(b);
    const want =
      !!na?.isRunning() && !!nb?.isRunning() && this.#groups.get(a) === this.#groups.get(b);
    if (want && !this.#up.has(key)) {
      this.#up.add(key);
      na!.linkUp(nb!);
      nb!.linkUp(na!);
    } else if (!want && this.#up.has(key)) {
      this.#down(key, a, b);
    }
  }

  #down(key: string, a: string, b: string): void {
    this.#up.delete(key);
    this.#nodes.get(a)?.linkDown(b);
    this.#nodes.get(b)?.linkDown(a);
  }

  /** Runs `fn` one link delay from now. */
  later(fn: () => void): void {
    this.#clock.setTimeout(fn, this.#delay());
  }

  /** Sends a packet subject to the current faults; it lands only if the link is still up. */
  transmit(from: string, to: string, packet: Packet): void {
    const f = this.#faults;
    const bytes = packetBytes(packet);
    const sent = this.#stats.get(from);
    if (sent) {
      sent.packetsSent++;
      sent.bytesSent += bytes;
    }
    if (this.#random.float() < f.lossRate) return;
    this.#clock.setTimeout(() => this.#land(from, to, packet, bytes), this.#delay());
    if (this.#random.float() < f.duplicateRate) {
      this.#clock.setTimeout(() => this.#land(from, to, packet, bytes), this.#delay());
    }
    if (packet.type === 'gossip' && this.#random.float() < f.replayRate) {
      const ms = f.replayDelayMs + this.#delay();
      this.#clock.setTimeout(() => this.#land(from, to, packet, bytes), ms);
    }
  }

  /** Sends a stream packet: delayed like any other, but never lost, doubled or overtaken. */
  transmitOrdered(from: string, to: string, packet: StreamPacket): void {
    const bytes = packetBytes(packet);
    const sent = this.#stats.get(from);
    if (sent) {
      sent.packetsSent++;
      sent.bytesSent += bytes;
    }
    const now = this.#clock.monotonic();
    const key = `${from}>${to}`;
    const landMs = Math.max(now + this.#delay(), this.#orderedLandMs.get(key) ?? 0);
    this.#orderedLandMs.set(key, landMs);
    this.#clock.setTimeout(() => this.#land(from, to, packet, bytes), landMs - now);
  }

  #land(from: string, to: string, packet: Packet, bytes: number): void {
    if (!this.isUp(from, to)) return;
    const received = this.#stats.get(to);
    if (received) {
      received.packetsReceived++;
      received.bytesReceived += bytes;
    }
    this.#nodes.get(to)?.receive(packet, from);
  }

  #delay(): number {
    const { delayMinMs: lo, delayMaxMs: hi } = this.#faults;
    return lo + this.#random.float() * Math.max(0, hi - lo);
  }
}

function packetBytes(p: Packet): number {
  if (p.type === 'response') return p.frame.byteLength;
  if (p.type === 'stream') return p.op === 'data' ? p.data.byteLength : 0;
  return p.data.byteLength + (p.type === 'gossip' ? p.topic.length + p.msgId.length : 0);
}
