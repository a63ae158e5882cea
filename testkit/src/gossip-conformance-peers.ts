/**
 * Conformance: peer events, `peers()`, disconnect and stop.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Gossip, PeerEvent } from '@wisp/core';
import {
  bytes,
  codeOf,
  settled,
  Recorder,
  topicA,
  warmUp,
  type GossipTestNetwork,
} from './gossip-conformance-helpers.ts';

function events(node: Gossip): PeerEvent[] {
  const seen: PeerEvent[] = [];
  node.onPeer((e) => seen.push(e));
  return seen;
}

export function peerCases(net: () => GossipTestNetwork): void {
  it('reports a connect on both sides and lists each peer', async () => {
    const n = net();
    const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA] })));
    const [ea, eb] = [events(a), events(b)];
    await n.link(a, b);
    await n.eventually(() => ea.length > 0 && eb.length > 0, 5000, 'connect events');
    assert.deepEqual(ea, [{ type: 'connect', peer: b.peerId }]);
    assert.deepEqual(eb, [{ type: 'connect', peer: a.peerId }]);
    assert.deepEqual(a.peers(), [b.peerId]);
    assert.deepEqual(b.peers(), [a.peerId]);
  });

  it('disconnects both sides: events, peers(), and no more messages or requests', async () => {
    const n = net();
    const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA] })));
    await n.link(a, b);
    const rb = new Recorder(b, topicA);
    b.handle('/wisp/test/echo/1.0.0', (d) => d);
    await warmUp(n, a, topicA, [rb]);
    const [ea, eb] = [events(a), events(b)];
    await a.disconnect(b.peerId);
    await n.eventually(() => ea.length > 0 && eb.length > 0, 5000, 'disconnect events');
    assert.deepEqual(ea, [{ type: 'disconnect', peer: b.peerId }]);
    assert.deepEqual(eb, [{ type: 'disconnect', peer: a.peerId }]);
    assert.deepEqual(a.peers(), []);
    assert.deepEqual(b.peers(), []);
    await a.publish(topicA, bytes('anyone?'));
    await n.pass(n.quietMs);
    assert.deepEqual(rb.messages, []);
    await assert.rejects(
      settled(n, a.request(b.peerId, '/wisp/test/echo/1.0.0', bytes('x'))),
      (e) => codeOf(e) === 'ERR_NOT_FOUND',
    );
  });

  it('a stopped node leaves its peers and refuses to publish with ERR_CLOSED', async () => {
    const n = net();
    const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA] })));
    await n.link(a, b);
    const ea = events(a);
    await b.stop();
    await n.eventually(() => ea.length > 0, 5000, 'the disconnect event');
    assert.deepEqual(ea, [{ type: 'disconnect', peer: b.peerId }]);
    assert.deepEqual(a.peers(), []);
    await assert.rejects(b.publish(topicA, bytes('x')), (e) => codeOf(e) === 'ERR_CLOSED');
  });
}
