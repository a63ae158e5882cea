/**
 * The harness every Gossip implementation hands `runGossipConformance`, and the helpers the
 * cases share. Time is the network's own: memory advances a FakeClock, libp2p waits for real.
 */
import assert from 'node:assert/strict';
import type { Gossip, PeerAddressBook } from '@wisp/core';

export interface GossipTestNodeInit {
  readonly allowedTopics: readonly string[];
  readonly gossipMessageBytesMax?: number;
  readonly requestBytesMax?: number;
  readonly streamsPerPeerMax?: number;
  readonly streamIdleTimeoutMs?: number;
}

export interface GossipTestNetwork {
  /** A started node, listening on at least one address its peers could dial. */
  node(init: GossipTestNodeInit): Promise<Gossip & PeerAddressBook>;
  /** Connects two nodes; resolves once each lists the other in `peers()`. */
  link(a: Gossip, b: Gossip): Promise<void>;
  /** Resolves once `condition()` holds; rejects naming `what` if not within `withinMs`. */
  eventually(condition: () => boolean, withinMs: number, what: string): Promise<void>;
  /** Lets `ms` of network time pass. */
  pass(ms: number): Promise<void>;
  /** How long to let traffic land before asserting that something did not arrive. */
  readonly quietMs: number;
  /**
   * False for a network that does not sign gossip messages (libp2p here: every payload carries
   * its own signature), whose handlers and validators get '' as the author.
   */
  readonly authorsKnown?: boolean;
  /** The router's penalty score `node` holds against `peer`, where the implementation has one. */
  score?(node: Gossip, peer: string): number | undefined;
  close(): Promise<void>;
}

export type MakeGossipNetwork = () => Promise<GossipTestNetwork>;

/** The `from` a handler sees for a message `author` published on network `n`. */
export function authorAs(n: GossipTestNetwork, author: Gossip): string {
  return n.authorsKnown === false ? '' : author.peerId;
}

export const topicA = '/wisp/test/a/1';
export const topicB = '/wisp/test/b/1';
const probePrefix = 'probe:';

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function text(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}

export interface Received {
  readonly text: string;
  readonly from: string;
}

/** Subscribes `node` to `topic` and records what arrives; warm-up probes are counted apart. */
export class Recorder {
  readonly messages: Received[] = [];
  probes = 0;

  constructor(node: Gossip, topic: string) {
    node.onMessage(topic, (data, from) => {
      const t = text(data);
      if (t.startsWith(probePrefix)) this.probes++;
      else this.messages.push({ text: t, from });
    });
    node.subscribe(topic);
  }

  texts(): string[] {
    return this.messages.map((m) => m.text);
  }
}

export function isProbe(data: Uint8Array): boolean {
  return text(data).startsWith(probePrefix);
}

/**
 * Publishes probes until every recorder has seen one, so the routes (gossipsub meshes) exist
 * before a case publishes what it asserts on.
 */
export async function warmUp(
  net: Pick<GossipTestNetwork, 'pass'>,
  publisher: Gossip,
  topic: string,
  recorders: readonly Recorder[],
): Promise<void> {
  const everyMs = 100;
  const attemptsMax = 100;
  for (let i = 0; i < attemptsMax; i++) {
    if (recorders.every((r) => r.probes > 0)) return;
    await publisher.publish(topic, bytes(`${probePrefix}${i}`));
    await net.pass(everyMs);
  }
  assert.fail(`routes on ${topic} did not form within ${attemptsMax * everyMs} ms`);
}

/** Links every pair. */
export async function linkAll(net: GossipTestNetwork, nodes: readonly Gossip[]): Promise<void> {
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) await net.link(nodes[i], nodes[j]);
  }
}

/** The settled outcome of a promise, so a rejection is never left unhandled while time passes. */
export function outcome<T>(p: Promise<T>): { value?: T; error?: unknown; done: boolean } {
  const o: { value?: T; error?: unknown; done: boolean } = { done: false };
  p.then(
    (v) => {
      o.value = v;
      o.done = true;
    },
    (e: unknown) => {
      o.error = e;
      o.done = true;
    },
  );
  return o;
}

export function codeOf(e: unknown): string | undefined {
  return (e as { code?: string } | undefined)?.code;
}

/** Waits, in network time, for a promise that needs the network to move (a request). */
export async function settled<T>(
  net: GossipTestNetwork,
  p: Promise<T>,
  withinMs = 5000,
): Promise<T> {
  const o = outcome(p);
  await net.eventually(() => o.done, withinMs, 'an answer');
  if (o.error !== undefined) throw o.error;
  return o.value as T;
}
