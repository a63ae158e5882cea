/**
 * Conformance: validator verdicts — rejected and ignored messages stop at the validator, and a
 * rejected message costs its sender.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  authorAs,
  bytes,
  isProbe,
  Recorder,
  text,
  topicA,
  warmUp,
  type GossipTestNetwork,
} from './gossip-conformance-helpers.ts';

export function validationCases(net: () => GossipTestNetwork): void {
  it('drops rejected and ignored messages at the validator and does not forward them', async () => {
    const n = net();
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => n.node({ allowedTopics: [topicA] })));
    await n.link(a, b);
    await n.link(b, c);
    const authors = new Set<string>();
    b.setValidator(topicA, (data, from) => {
      if (!isProbe(data)) authors.add(from);
      const t = text(data);
      return t === 'bad' ? 'reject' : t === 'stale' ? 'ignore' : 'accept';
    });
    const [rb, rc] = [b, c].map((x) => new Recorder(x, topicA));
    await warmUp(n, a, topicA, [rb, rc]);
    await a.publish(topicA, bytes('stale'));
    await a.publish(topicA, bytes('bad'));
    await a.publish(topicA, bytes('good'));
    await n.eventually(() => rc.messages.length > 0, 5000, 'the accepted message');
    await n.pass(n.quietMs);
    assert.deepEqual(rb.texts(), ['good']);
    assert.deepEqual(rc.texts(), ['good']);
    assert.deepEqual([...authors], [authorAs(n, a)]);
  });

  it('lowers the score of a peer whose message was rejected', async (t) => {
    const n = net();
    if (!n.score) return t.skip('this implementation exposes no peer score');
    const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA] })));
    await n.link(a, b);
    b.setValidator(topicA, (data) => (text(data) === 'bad' ? 'reject' : 'accept'));
    const rb = new Recorder(b, topicA);
    await warmUp(n, a, topicA, [rb]);
    const before = n.score(b, a.peerId) ?? 0;
    await a.publish(topicA, bytes('bad'));
    await n.eventually(() => (n.score?.(b, a.peerId) ?? 0) < Math.min(before, 0), 5000, 'penalty');
    assert.deepEqual(rb.messages, []);
  });
}
