import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { answerOutgoing, defaultOutgoingLimits } from './outgoing-bridge.ts';
import type { OutgoingWireRequest } from './messages.ts';
import {
  OutgoingDeniedError,
  OutgoingHttpError,
  denyAllOutgoing,
  type OutgoingPolicy,
} from './outgoing-policy.ts';

const req: OutgoingWireRequest = {
  id: 7,
  method: 'GET',
  url: 'http://web.default.svc.cluster.local/',
  headers: [['accept', 'text/plain']],
  body: new Uint8Array(0),
  timeoutMs: undefined,
};
const limits = { ...defaultOutgoingLimits, outgoingTimeoutMs: 1000, outgoingResponseBytesMax: 4 };
const ok: OutgoingPolicy = async () => ({
  status: 200,
  headers: [['x', 'y']],
  body: new Uint8Array(3),
});

describe('outgoing bridge', () => {
  it('answers with what the policy returned', async () => {
    const reply = await answerOutgoing(req, ok, limits, new FakeClock());
    assert.deepEqual(reply, {
      id: 7,
      ok: true,
      status: 200,
      headers: [['x', 'y']],
      body: new Uint8Array(3),
    });
  });

  it('maps a denial to HTTP-request-denied, by default for every request', async () => {
    const clock = new FakeClock();
    assert.deepEqual(await answerOutgoing(req, denyAllOutgoing, limits, clock), {
      id: 7,
      ok: false,
      error: { tag: 'HTTP-request-denied' },
    });
    const deny: OutgoingPolicy = async (r) => {
      throw new OutgoingDeniedError(r.url, 'NetworkPolicy');
    };
    const reply = await answerOutgoing(req, deny, limits, clock);
    assert.equal(!reply.ok && reply.error.tag, 'HTTP-request-denied');
  });

  it('passes a policy error code through; an unknown one becomes internal-error', async () => {
    const refused: OutgoingPolicy = async () => {
      throw new OutgoingHttpError({ tag: 'connection-refused' }, 'no endpoint');
    };
    const r1 = await answerOutgoing(req, refused, limits, new FakeClock());
    assert.deepEqual(!r1.ok && r1.error, { tag: 'connection-refused' });
    const bogus: OutgoingPolicy = async () => {
      throw new OutgoingHttpError({ tag: 'no-such-code' }, 'bogus');
    };
    const r2 = await answerOutgoing(req, bogus, limits, new FakeClock());
    assert.equal(!r2.ok && r2.error.tag, 'internal-error');
  });

  it('refuses a response body over the cap with HTTP-response-body-size', async () => {
    const big: OutgoingPolicy = async () => ({ status: 200, headers: [], body: new Uint8Array(5) });
    const reply = await answerOutgoing(req, big, limits, new FakeClock());
    assert.deepEqual(!reply.ok && reply.error, { tag: 'HTTP-response-body-size', val: 5n });
  });

  it('times out at the shorter of its limit and the guest limit, aborting the policy', async () => {
    const clock = new FakeClock();
    let aborted = false;
    const hang: OutgoingPolicy = (_r, opts) =>
      new Promise((_resolve, reject) =>
        opts?.signal.addEventListener('abort', () => {
          aborted = true;
          reject(opts.signal.reason);
        }),
      );
    const pending = answerOutgoing({ ...req, timeoutMs: 200 }, hang, limits, clock);
    clock.advance(199);
    await Promise.resolve();
    assert.equal(aborted, false);
    clock.advance(1);
    const reply = await pending;
    assert.equal(aborted, true);
    assert.deepEqual(!reply.ok && reply.error, { tag: 'HTTP-response-timeout' });
  });
});
