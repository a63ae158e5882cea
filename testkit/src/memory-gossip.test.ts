import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom, type Gossip } from '@wisp/core';
import { FakeClock } from './fake-clock.ts';
import { runGossipConformance, type GossipTestNetwork } from './gossip-conformance.ts';
import { bytes, Recorder, text, topicA } from './gossip-conformance-helpers.ts';
import { MemoryGossip, MemoryNetwork, type MemoryNetworkInit } from './memory-gossip.ts';

const stepMs = 10;

function fakeTime(clock: FakeClock) {
  return {
    pass: (ms: number) => clock.advanceAsync(ms),
    async eventually(condition: () => boolean, withinMs: number, what: string) {
      for (let waited = 0; !condition(); waited += stepMs) {
        if (waited >= withinMs) assert.fail(`${what}: not within ${withinMs} ms`);
        await clock.advanceAsync(stepMs);
      }
    },
  };
}

function harness(seed: number, init: MemoryNetworkInit = {}) {
  const clock = new FakeClock();
  const net = new MemoryNetwork(init, { clock, random: seededRandom(seed) });
  const time = fakeTime(clock);
  const nodes: MemoryGossip[] = [];
  const network: GossipTestNetwork = {
    ...time,
    quietMs: 100,
    async node(nodeInit) {
      // As a node listening on every interface announces them: its peers keep what they can dial.
      const host = `/ip4/10.0.0.${nodes.length + 1}/tcp/4001`;
      const addresses = ['/ip4/0.0.0.0/tcp/4001', '/ip4/127.0.0.1/tcp/4001', host, '/p2p-circuit'];
      const node = net.node({ ...nodeInit, addresses });
      nodes.push(node);
      node.start();
      return node;
    },
    async link(a: Gossip, b: Gossip) {
      net.link(a.peerId, b.peerId);
      const both = () => a.peers().includes(b.peerId) && b.peers().includes(a.peerId);
      await time.eventually(both, 5000, 'link');
    },
    score: (node, peer) => (node as MemoryGossip).peerScore(peer),
    async close() {
      for (const n of nodes) n.stop();
    },
  };
  return { clock, net, network, ...time };
}

runGossipConformance('memory', async () => harness(1).network);
runGossipConformance('memory with delay, duplication and replay', async () => {
  const init = { delayMinMs: 5, delayMaxMs: 40, duplicateRate: 0.3, replayRate: 0.3 };
  return harness(2, init).network;
});

async function pair(h: ReturnType<typeof harness>, extra: { verifyB?: boolean } = {}) {
  const a = (await h.network.node({ allowedTopics: [topicA] })) as MemoryGossip;
  const b = h.net.node({
    allowedTopics: [topicA],
    certPem: 'cert-of-b',
    verifyPeer: () => extra.verifyB ?? true,
  });
  b.start();
  return { a, b };
}

describe('MemoryGossip faults', () => {
  it('delivers a replay after the seen-cache TTL to the application again', async () => {
    const h = harness(3, { replayRate: 1, replayDelayMs: 130_000, seenTtlMs: 120_000 });
    const { a, b } = await pair(h);
    await h.network.link(a, b);
    const rb = new Recorder(b, topicA);
    await a.publish(topicA, bytes('rev 7'));
    await h.eventually(() => rb.messages.length === 1, 1000, 'first delivery');
    await h.pass(140_000);
    assert.deepEqual(rb.texts(), ['rev 7', 'rev 7']);
  });

  it('loses everything at lossRate 1 and recovers when the fault is lifted', async () => {
    const h = harness(4);
    const { a, b } = await pair(h);
    await h.network.link(a, b);
    const rb = new Recorder(b, topicA);
    h.net.setFaults({ lossRate: 1 });
    await a.publish(topicA, bytes('lost'));
    await h.pass(1000);
    h.net.setFaults({ lossRate: 0 });
    await a.publish(topicA, bytes('found'));
    await h.eventually(() => rb.messages.length > 0, 1000, 'delivery');
    assert.deepEqual(rb.texts(), ['found']);
  });

  it('takes links down across a partition and back up when it heals', async () => {
    const h = harness(5);
    const { a, b } = await pair(h);
    await h.network.link(a, b);
    const seen: string[] = [];
    a.onPeer((e) => seen.push(e.type));
    h.net.partition([a], [b]);
    assert.deepEqual(a.peers(), []);
    h.net.heal();
    await h.eventually(() => a.peers().includes(b.peerId), 1000, 'relink');
    assert.deepEqual(seen, ['disconnect', 'connect']);
  });

  it('drops the link to a peer whose certificate verifyPeer refuses', async () => {
    const h = harness(6);
    const { a, b } = await pair(h, { verifyB: false });
    h.net.link(a, b);
    await h.pass(1000);
    assert.deepEqual(a.peers(), []);
    assert.deepEqual(b.peers(), []);
  });

  it('graylists a peer after repeated invalid messages, as gossipsub does', async () => {
    const h = harness(7);
    const { a, b } = await pair(h);
    await h.network.link(a, b);
    b.setValidator(topicA, (d) => (text(d).startsWith('bad') ? 'reject' : 'accept'));
    const rb = new Recorder(b, topicA);
    for (const m of ['bad 1', 'bad 2', 'bad 3']) await a.publish(topicA, bytes(m));
    await h.pass(100);
    await a.publish(topicA, bytes('good but ignored'));
    await h.pass(100);
    assert.ok(b.peerScore(a.peerId) < -80, `score ${b.peerScore(a.peerId)}`);
    assert.deepEqual(rb.messages, []);
    await h.pass(60_000);
    await a.publish(topicA, bytes('forgiven'));
    await h.eventually(() => rb.messages.length > 0, 1000, 'delivery once the penalty decays');
  });

  it('counts the bytes each node sends and receives', async () => {
    const h = harness(8);
    const { a, b } = await pair(h);
    await h.network.link(a, b);
    new Recorder(b, topicA);
    await a.publish(topicA, new Uint8Array(1000));
    await h.pass(100);
    assert.ok(h.net.stats(a)!.bytesSent >= 1000);
    assert.ok(h.net.stats(b)!.bytesReceived >= 1000);
  });

  it('replays the same run from the same seed', async () => {
    const run = async (seed: number) => {
      const h = harness(seed, { delayMinMs: 1, delayMaxMs: 50, lossRate: 0.2 });
      const nodes = await Promise.all(
        [0, 1, 2, 3].map(() => h.network.node({ allowedTopics: [topicA] })),
      );
      for (let i = 1; i < nodes.length; i++) h.net.link(nodes[i - 1], nodes[i]);
      await h.pass(100);
      const got: string[] = [];
      nodes[3].onMessage(topicA, (d) => got.push(`${text(d)}@${h.clock.monotonic()}`));
      nodes.forEach((n) => n.subscribe(topicA));
      for (let i = 0; i < 20; i++) await nodes[0].publish(topicA, bytes(`m${i}`));
      await h.pass(1000);
      return got;
    };
    assert.deepEqual(await run(11), await run(11));
    assert.notDeepEqual(await run(11), await run(12));
  });
});

describe('MemoryGossip addresses', () => {
  it('tells connected peers where it listens after it moves, as identify push does', async () => {
    const h = harness(9);
    const { a, b } = await pair(h);
    await h.network.link(a, b);
    assert.deepEqual(a.peerAddresses(b.peerId), [], 'b announced nothing');
    const heard: string[] = [];
    a.onPeerAddresses((peer) => heard.push(peer));
    b.setAddresses(['/ip4/0.0.0.0/tcp/7000', '/ip4/192.168.7.2/tcp/7000']);
    await h.eventually(() => heard.length > 0, 1000, 'the change');
    assert.deepEqual(heard, [b.peerId]);
    assert.deepEqual(a.peerAddresses(b.peerId), [`/ip4/192.168.7.2/tcp/7000/p2p/${b.peerId}`]);
    b.setAddresses(['/ip4/192.168.7.2/tcp/7000']);
    await h.pass(100);
    assert.deepEqual(heard, [b.peerId], 'the same dialable addresses are no change');
  });
});
