/**
 * The libp2p adapters for real: the Gossip conformance suite on control-plane and agent nodes
 * over TCP on 127.0.0.1, certificate admission against a real cluster CA, penalties for invalid
 * messages, a node reachable only through a circuit relay, and publish→delivery latency across
 * 10 and 50 in-process nodes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import nacl from 'tweetnacl';
import { createAgentGossip, type AgentGossipInit } from '@wisp/agent/p2p/libp2p-adapter.ts';
import { createControlPlaneGossip } from '@wisp/controlplane/p2p/libp2p-adapter.ts';
import { loadOrCreateCa, type ClusterCa } from '@wisp/controlplane/pki/index.ts';
import { issueNodeCertificate } from '@wisp/controlplane/pki/node-cert.ts';
import { createNodeTrust } from '@wisp/controlplane/pki/node-trust.ts';
import {
  gossipScoreThresholds,
  seededRandom,
  systemClock,
  type Gossip,
  type NetworkGossip,
  type VerifyPeer,
} from '@wisp/core';
import { countSocketWrites } from '@wisp/p2p/test-fixtures.ts';
import { runGossipConformance, type GossipTestNetwork } from '@wisp/testkit';
import { bytes, Recorder, text, topicA, warmUp } from '@wisp/testkit/gossip-conformance-helpers.ts';

const clock = systemClock();
const random = seededRandom(31);
const loopback = ['/ip4/127.0.0.1/tcp/0'];
/** Fast meshes for tests; production keeps gossipsub's 1 s. */
const heartbeatIntervalMs = 100;

let ca: ClusterCa;
let caDir: string;
const revoked = new Set<string>();
let verifyPeer: VerifyPeer;

before(async () => {
  caDir = mkdtempSync(join(tmpdir(), 'wisp-p2p-'));
  ca = await loadOrCreateCa(caDir, { clock, random, commonName: 'wisp-ca' });
  const trust = createNodeTrust(
    { caPem: ca.certPem },
    { clock, revocations: { isRevoked: (n) => revoked.has(n) } },
  );
  verifyPeer = (certPem, peerId) => trust.isCertificateTrusted(certPem, peerId);
});

after(() => rmSync(caDir, { recursive: true, force: true }));

interface Identity {
  readonly nodeKey: Uint8Array;
  readonly certPem: string;
}

let nodeCount = 0;

/** A fresh node key and its certificate, from `issuer` (the cluster CA unless a test forges). */
async function identity(issuer: ClusterCa = ca, name = `node-${++nodeCount}`): Promise<Identity> {
  const nodeKey = random.bytes(32);
  const certPem = await issueNodeCertificate(issuer, {
    nodeName: name,
    ed25519PublicKey: nacl.sign.keyPair.fromSeed(nodeKey).publicKey,
    x25519PublicKey: random.bytes(32),
    podCidr: `10.42.${nodeCount % 250}.0/24`,
    site: 'lab',
  });
  return { nodeKey, certPem };
}

type NodeOptions = Partial<AgentGossipInit> & { readonly side?: 'controlplane' | 'agent' };

async function startNode(options: NodeOptions = {}): Promise<NetworkGossip> {
  const id = options.nodeKey && options.certPem ? options : await identity();
  const init = {
    allowedTopics: [topicA],
    listen: loopback,
    heartbeatIntervalMs,
    ...options,
    nodeKey: id.nodeKey!,
    certPem: id.certPem!,
  };
  const components = { clock, random, verifyPeer };
  const node =
    options.side === 'controlplane'
      ? createControlPlaneGossip(init, components)
      : createAgentGossip(init, components);
  await node.start();
  return node;
}

async function eventually(condition: () => boolean, withinMs: number, what: string) {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > withinMs) assert.fail(`${what}: not within ${withinMs} ms`);
    await sleep(20);
  }
}

const realTime = { pass: (ms: number) => sleep(ms) };

async function connect(a: NetworkGossip, b: NetworkGossip): Promise<void> {
  await a.dial(b.addresses()[0]);
  const both = () => a.peers().includes(b.peerId) && b.peers().includes(a.peerId);
  await eventually(both, 5000, 'admission both ways');
}

function libp2pNetwork(): GossipTestNetwork {
  const nodes: NetworkGossip[] = [];
  return {
    quietMs: 500,
    authorsKnown: false,
    async node(init) {
      // Alternate the two adapters so every case runs across both sides' wiring.
      const side = nodes.length % 2 === 0 ? 'controlplane' : 'agent';
      const node = await startNode({ ...init, side });
      nodes.push(node);
      return node;
    },
    link: (a: Gossip, b: Gossip) => connect(a as NetworkGossip, b as NetworkGossip),
    eventually,
    pass: (ms) => sleep(ms),
    score: (node, peer) => (node as NetworkGossip).peerScore(peer),
    async close() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}

runGossipConformance('libp2p over TCP', async () => libp2pNetwork());

describe('libp2p peer admission', { timeout: 60_000 }, () => {
  it('admits peers whose certificates chain to the CA and name their peer id', async () => {
    const [a, b] = await Promise.all([startNode({ side: 'controlplane' }), startNode()]);
    try {
      await connect(a, b);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  for (const [why, make] of [
    ['from another CA', async () => identity(await foreignCa())],
    ['issued for another peer id', async () => stolenCertificate()],
    ['revoked', async () => revokedIdentity()],
  ] as const) {
    it(`disconnects a peer whose certificate is ${why}`, async () => {
      const a = await startNode({ side: 'controlplane', admissionTimeoutMs: 2000 });
      const connects: string[] = [];
      a.onPeer((e) => connects.push(e.type));
      const intruder = await startNode(await make());
      try {
        await intruder.dial(a.addresses()[0]).catch(() => undefined);
        await sleep(1000);
        assert.deepEqual(a.peers(), []);
        assert.deepEqual(intruder.peers(), []);
        assert.deepEqual(connects, []);
      } finally {
        await Promise.all([a.stop(), intruder.stop()]);
      }
    });
  }

  it('disconnects a peer that never answers the identity exchange', async () => {
    const a = await startNode({ side: 'controlplane', admissionTimeoutMs: 1000 });
    const bare = await createLibp2p({
      addresses: { listen: loopback },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
    });
    try {
      await bare.dial(multiaddr(a.addresses()[0]));
      assert.equal(bare.getConnections().length, 1);
      await eventually(() => bare.getConnections().length === 0, 5000, 'the hang-up');
      assert.deepEqual(a.peers(), []);
    } finally {
      await Promise.all([a.stop(), bare.stop()]);
    }
  });
});

async function foreignCa(): Promise<ClusterCa> {
  const dir = mkdtempSync(join(tmpdir(), 'wisp-p2p-foreign-'));
  try {
    return await loadOrCreateCa(dir, { clock, random, commonName: 'wisp-ca' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A valid certificate, presented by a node holding a different key. */
async function stolenCertificate(): Promise<Identity> {
  const victim = await identity();
  return { nodeKey: random.bytes(32), certPem: victim.certPem };
}

async function revokedIdentity(): Promise<Identity> {
  const name = `revoked-${++nodeCount}`;
  revoked.add(name);
  return identity(ca, name);
}

describe('libp2p requests', { timeout: 60_000 }, () => {
  it('sends a request with its protocol selection: five frames in all, not nine', async () => {
    const [a, b] = await Promise.all([startNode({ side: 'controlplane' }), startNode()]);
    try {
      await connect(a, b);
      b.handle('/wisp/test/echo/1', (data) => data);
      const ask = () => a.request(b.peerId, '/wisp/test/echo/1', new Uint8Array(10));
      for (let i = 0; i < 5; i++) await ask(); // past identify, peer-store and window warm-up
      await sleep(100);
      // The request (with the selection, SYN and FIN), the echo with ACK, the answer, its FIN,
      // the asker's ACK of it: the asker never waits for the echo before asking.
      const writes = await countSocketWrites(async () => {
        assert.equal((await ask()).byteLength, 10);
        await sleep(100); // the closes that follow the answer
      });
      // Nine when the asker waits for the echo; one more is room for a keep-alive ping.
      assert.ok(writes === 5 || writes === 6, `${writes} socket writes for one request`);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('libp2p mDNS', { timeout: 60_000 }, () => {
  it('lets agents at one site find and admit each other with no address given', async () => {
    const [a, b] = await Promise.all([startNode({ mdns: true }), startNode({ mdns: true })]);
    try {
      const found = () => a.peers().includes(b.peerId) && b.peers().includes(a.peerId);
      await eventually(found, 15_000, 'discovery and admission');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('libp2p penalties', { timeout: 60_000 }, () => {
  it('graylists a peer whose messages keep failing validation, and ignores it after', async () => {
    const [a, b, c] = await Promise.all([
      startNode({ side: 'controlplane' }),
      startNode(),
      startNode(),
    ]);
    try {
      await connect(a, b);
      await connect(c, b);
      b.setValidator(topicA, (d) => (text(d).startsWith('bad') ? 'reject' : 'accept'));
      const rb = new Recorder(b, topicA);
      await warmUp(realTime, a, topicA, [rb]);
      for (const m of ['bad 1', 'bad 2', 'bad 3']) await a.publish(topicA, bytes(m));
      const graylist = gossipScoreThresholds.graylistThreshold;
      await eventually(() => (b.peerScore(a.peerId) ?? 0) < graylist, 5000, 'graylisting');
      // gossipsub keeps accepting from a peer for 1 s after last scoring it well.
      await sleep(1100);
      await a.publish(topicA, bytes('from a, ignored'));
      await c.publish(topicA, bytes('from c'));
      await eventually(() => rb.messages.length > 0, 5000, "c's message");
      await sleep(500);
      assert.deepEqual(rb.texts(), ['from c']);
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });
});

describe('libp2p circuit relay', { timeout: 60_000 }, () => {
  it('delivers to a node that can only reach the relay', async () => {
    const relay = await startNode({ side: 'controlplane' });
    const relayTcp = tcpPart(relay.addresses()[0]);
    const natTcp: string[] = [];
    // The publisher may reach the NAT'd node only through a circuit.
    const publisher = await startNode({
      dialFilter: (addr) => !natTcp.some((direct) => addr.startsWith(direct)),
    });
    // The NAT'd node may dial nothing but the relay.
    const nat = await startNode({
      listen: [...loopback, '/p2p-circuit'],
      dialFilter: (addr) => addr.startsWith(relayTcp) && !addr.includes('/p2p-circuit'),
      bootstrap: [relay.addresses()[0]],
    });
    natTcp.push(
      ...nat
        .addresses()
        .filter((a) => !a.includes('/p2p-circuit'))
        .map(tcpPart),
    );
    try {
      await eventually(
        () => nat.addresses().some((a) => a.includes('/p2p-circuit')),
        10_000,
        'a reservation',
      );
      const circuit = `${relay.addresses()[0]}/p2p-circuit/p2p/${nat.peerId}`;
      await publisher.dial(circuit);
      await eventually(
        () => publisher.peers().includes(nat.peerId),
        5000,
        'admission over the relay',
      );
      const rn = new Recorder(nat, topicA);
      publisher.subscribe(topicA);
      await warmUp(realTime, publisher, topicA, [rn]);
      await publisher.publish(topicA, bytes('through the relay'));
      await eventually(() => rn.messages.length > 0, 5000, 'relayed delivery');
      // libp2p gossip is not signed per hop (payloads carry their own signatures): no author.
      assert.deepEqual(rn.messages, [{ text: 'through the relay', from: '' }]);
      assert.equal(relay.peers().includes(publisher.peerId), true);
    } finally {
      await Promise.all([relay.stop(), publisher.stop(), nat.stop()]);
    }
  });
});

/** `/ip4/127.0.0.1/tcp/4001` of `/ip4/127.0.0.1/tcp/4001/p2p/12D3…`. */
function tcpPart(address: string): string {
  return address.split('/p2p/')[0];
}

type Topology = 'star' | 'mesh';

/**
 * star: every agent connects to the control plane (the deployment DESIGN §2 draws). mesh: the
 * control plane reaches three agents and the rest hear it through each other, hop by hop.
 */
async function wire(topology: Topology, server: NetworkGossip, nodes: NetworkGossip[]) {
  if (topology === 'star') return void (await Promise.all(nodes.map((n) => connect(n, server))));
  const n = nodes.length;
  const links = nodes.flatMap((node, i) => [
    [node, nodes[(i + 1) % n]],
    [node, nodes[(i + 3) % n]],
  ]);
  for (const i of [0, Math.floor(n / 3), Math.floor((2 * n) / 3)]) links.push([nodes[i], server]);
  for (const [a, b] of links) await connect(a, b);
}

describe('libp2p publish→delivery latency', { timeout: 180_000 }, () => {
  for (const [topology, agents] of [
    ['star', 10],
    ['star', 50],
    ['mesh', 50],
  ] as const) {
    it(`measures a control plane publishing to ${agents} agents (${topology})`, async () => {
      const server = await startNode({ side: 'controlplane' });
      const nodes = await Promise.all(Array.from({ length: agents }, () => startNode()));
      try {
        await wire(topology, server, nodes);
        const arrivals = new Map<string, number[]>();
        const recorders = nodes.map((n) => {
          n.onMessage(topicA, (d) => {
            const t = text(d);
            if (t.startsWith('m:')) (arrivals.get(t) ?? arrivals.set(t, []).get(t)!).push(now());
          });
          return new Recorder(n, topicA);
        });
        await warmUp(realTime, server, topicA, recorders);
        const latencies = await measure(server, agents, arrivals);
        const [p50, p99, max] = [0.5, 0.99, 1].map((q) => quantile(latencies, q));
        console.log(
          `gossip latency, ${agents} agents (${topology}), ${latencies.length} deliveries: ` +
            `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
        );
        assert.equal(latencies.length, messages * agents);
        assert.ok(p99 < 2000, `p99 ${p99} ms`);
      } finally {
        await Promise.all([server.stop(), ...nodes.map((n) => n.stop())]);
      }
    });
  }
});

const messages = 20;

function now(): number {
  return performance.now();
}

async function measure(
  server: NetworkGossip,
  agents: number,
  arrivals: Map<string, number[]>,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < messages; i++) {
    const id = `m:${i}`;
    const sent = now();
    await server.publish(topicA, bytes(id));
    await eventually(() => (arrivals.get(id)?.length ?? 0) >= agents, 10_000, `all of ${id}`);
    latencies.push(...arrivals.get(id)!.map((t) => t - sent));
    await sleep(20);
  }
  return latencies;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
