/**
 * Conformance: publish/subscribe delivery — exactly once, forwarded, past a failing handler.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  authorAs,
  bytes,
  linkAll,
  Recorder,
  topicA,
  warmUp,
  type GossipTestNetwork,
} from './gossip-conformance-helpers.ts';

export function pubsubCases(net: () => GossipTestNetwork): void {
  it('delivers to every subscriber exactly once, not to the publisher or others', async () => {
    const n = net();
    const nodes = await Promise.all([0, 1, 2, 3].map(() => n.node({ allowedTopics: [topicA] })));
    const [a, b, c, d] = nodes;
    await linkAll(n, nodes);
    const [ra, rb, rc] = [a, b, c].map((x) => new Recorder(x, topicA));
    let dGot = 0;
    d.onMessage(topicA, () => dGot++);
    await warmUp(n, a, topicA, [rb, rc]);
    await a.publish(topicA, bytes('hello'));
    await n.eventually(() => rb.messages.length > 0 && rc.messages.length > 0, 5000, 'delivery');
    await n.pass(n.quietMs);
    assert.deepEqual(rb.messages, [{ text: 'hello', from: authorAs(n, a) }]);
    assert.deepEqual(rc.messages, [{ text: 'hello', from: authorAs(n, a) }]);
    assert.deepEqual(ra.messages, []);
    assert.equal(dGot, 0);
  });

  it('forwards through a subscriber that is the only route, naming the author', async () => {
    const n = net();
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => n.node({ allowedTopics: [topicA] })));
    await n.link(a, b);
    await n.link(b, c);
    const [rb, rc] = [b, c].map((x) => new Recorder(x, topicA));
    await warmUp(n, a, topicA, [rb, rc]);
    await a.publish(topicA, bytes('over the hill'));
    await n.eventually(() => rc.messages.length > 0, 5000, 'delivery two hops away');
    assert.deepEqual(rc.messages, [{ text: 'over the hill', from: authorAs(n, a) }]);
  });

  it('keeps delivering to the other handlers when one handler throws', async () => {
    const n = net();
    const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA] })));
    await n.link(a, b);
    b.onMessage(topicA, () => {
      throw new Error('handler bug');
    });
    const rb = new Recorder(b, topicA);
    await warmUp(n, a, topicA, [rb]);
    await a.publish(topicA, bytes('still here'));
    await n.eventually(() => rb.messages.length > 0, 5000, 'delivery past a throwing handler');
  });
}
