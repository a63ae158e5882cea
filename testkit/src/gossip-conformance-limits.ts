/**
 * Conformance: the topic allow-list and the message size cap, on both the sending and the
 * receiving side.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  bytes,
  codeOf,
  Recorder,
  topicA,
  topicB,
  warmUp,
  type GossipTestNetwork,
} from './gossip-conformance-helpers.ts';

export function limitCases(net: () => GossipTestNetwork): void {
  it('refuses topics outside the allow-list with ERR_FORBIDDEN', async () => {
    const a = await net().node({ allowedTopics: [topicA] });
    const forbidden = (e: unknown) => codeOf(e) === 'ERR_FORBIDDEN';
    assert.throws(() => a.subscribe(topicB), forbidden);
    assert.throws(() => a.onMessage(topicB, () => {}), forbidden);
    assert.throws(() => a.setValidator(topicB, () => 'accept'), forbidden);
    await assert.rejects(a.publish(topicB, bytes('x')), forbidden);
  });

  it('caps a publish at gossipMessageBytesMax, the cap itself included', async () => {
    const n = net();
    const init = { allowedTopics: [topicA], gossipMessageBytesMax: 1024 };
    const [a, b] = await Promise.all([n.node(init), n.node(init)]);
    await n.link(a, b);
    const rb = new Recorder(b, topicA);
    await warmUp(n, a, topicA, [rb]);
    const tooLarge = (e: unknown) => codeOf(e) === 'ERR_TOO_LARGE';
    await assert.rejects(a.publish(topicA, new Uint8Array(1025).fill(120)), tooLarge);
    await a.publish(topicA, new Uint8Array(1024).fill(121));
    await n.eventually(() => rb.messages.length > 0, 5000, 'the message at the cap');
    await n.pass(n.quietMs);
    assert.deepEqual(
      rb.messages.map((m) => m.text.length),
      [1024],
    );
  });

  it('drops an incoming message larger than the receiver accepts', async () => {
    const n = net();
    const a = await n.node({ allowedTopics: [topicA], gossipMessageBytesMax: 4096 });
    const b = await n.node({ allowedTopics: [topicA], gossipMessageBytesMax: 1024 });
    await n.link(a, b);
    const rb = new Recorder(b, topicA);
    await warmUp(n, a, topicA, [rb]);
    await a.publish(topicA, new Uint8Array(2048).fill(122));
    await a.publish(topicA, bytes('small'));
    await n.eventually(() => rb.messages.length > 0, 5000, 'the small message');
    await n.pass(n.quietMs);
    assert.deepEqual(rb.texts(), ['small']);
  });
}
