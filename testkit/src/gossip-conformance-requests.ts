/**
 * Conformance: request/response — answers, named failures, timeouts and size caps.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  bytes,
  codeOf,
  outcome,
  settled,
  text,
  topicA,
  type GossipTestNetwork,
} from './gossip-conformance-helpers.ts';

const echo = '/wisp/test/echo/1.0.0';

export function requestCases(net: () => GossipTestNetwork): void {
  it("answers a request with the handler's bytes and tells the handler who asked", async () => {
    const n = net();
    const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA] })));
    await n.link(a, b);
    b.handle(echo, (data, from) => bytes(`${text(data)} from ${from}`));
    const answer = await settled(n, a.request(b.peerId, echo, bytes('ping'), { timeoutMs: 5000 }));
    assert.equal(text(answer), `ping from ${a.peerId}`);
  });

  it('fails with ERR_NOT_FOUND for an unknown protocol, ERR_INTERNAL for a throw', async () => {
    const n = net();
    const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA] })));
    await n.link(a, b);
    b.handle(echo, () => {
      throw new Error('no eggs today');
    });
    const opts = { timeoutMs: 5000 };
    await assert.rejects(
      settled(n, a.request(b.peerId, '/wisp/test/none/1.0.0', bytes('?'), opts)),
      (e) => {
        return codeOf(e) === 'ERR_NOT_FOUND';
      },
    );
    await assert.rejects(settled(n, a.request(b.peerId, echo, bytes('?'), opts)), (e: Error) => {
      return codeOf(e) === 'ERR_INTERNAL' && e.message.includes('no eggs today');
    });
  });

  it('times out with ERR_TIMEOUT when the handler never answers', async () => {
    const n = net();
    const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA] })));
    await n.link(a, b);
    b.handle(echo, () => new Promise<Uint8Array>(() => {}));
    const result = outcome(a.request(b.peerId, echo, bytes('hello?'), { timeoutMs: 200 }));
    await n.pass(150);
    assert.equal(result.done, false, 'not before timeoutMs');
    await n.eventually(() => result.done, 5000, 'the timeout');
    assert.equal(codeOf(result.error), 'ERR_TIMEOUT');
  });

  it('refuses requests over requestBytesMax on the asking and on the answering side', async () => {
    const n = net();
    const a = await n.node({ allowedTopics: [topicA], requestBytesMax: 4096 });
    const b = await n.node({ allowedTopics: [topicA], requestBytesMax: 1024 });
    await n.link(a, b);
    let calls = 0;
    b.handle(echo, (data) => (calls++, data));
    const tooLarge = (e: unknown) => codeOf(e) === 'ERR_TOO_LARGE';
    const opts = { timeoutMs: 5000 };
    await assert.rejects(
      settled(n, a.request(b.peerId, echo, new Uint8Array(4097), opts)),
      tooLarge,
    );
    await assert.rejects(
      settled(n, a.request(b.peerId, echo, new Uint8Array(2048), opts)),
      tooLarge,
    );
    const atCap = await settled(n, a.request(b.peerId, echo, new Uint8Array(1024), opts));
    assert.equal(atCap.byteLength, 1024);
    assert.equal(calls, 1);
  });

  it('refuses with ERR_NOT_FOUND to ask a peer it is not connected to', async () => {
    const n = net();
    const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA] })));
    b.handle(echo, (data) => data);
    await assert.rejects(
      settled(n, a.request(b.peerId, echo, bytes('x'))),
      (e) => codeOf(e) === 'ERR_NOT_FOUND',
    );
  });
}
