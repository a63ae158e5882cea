import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@wisp/testkit';
import { encodeFrame } from './gossip-frame.ts';
import type { ByteStream } from './byte-stream.ts';
import type { GossipHost, GossipHostListener, StreamHandler } from './gossip-host.ts';
import { createHostedGossip } from './gossip-hosted.ts';
import { encodeIdentity, identityProtocol } from './gossip-identity.ts';
import type { PeerEvent } from './gossip.ts';
import { seededRandom } from './random.ts';

const goodPem = '-----BEGIN CERTIFICATE-----\ngood\n-----END CERTIFICATE-----\n';
const badPem = '-----BEGIN CERTIFICATE-----\nbad\n-----END CERTIFICATE-----\n';

/** A stream that delivers `incoming`, then ends, and records what is sent back. */
function scripted(incoming: Uint8Array[]): ByteStream & { sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  return {
    sent,
    send(d) {
      sent.push(d);
      return true;
    },
    onDrain: async () => {},
    read(sink) {
      for (const c of incoming) sink.data(c);
      sink.end();
    },
    pause() {},
    resume() {},
    async close() {},
    abort() {},
  };
}

class FakeHost implements GossipHost {
  readonly peerId = 'self';
  listener!: GossipHostListener;
  readonly handlers = new Map<string, StreamHandler>();
  readonly connected = new Set<string>();
  readonly hungUp: string[] = [];
  setListener(l: GossipHostListener) {
    this.listener = l;
  }
  async start() {}
  async stop() {}
  subscribe() {}
  unsubscribe() {}
  async publish() {}
  async handle(p: string, h: StreamHandler) {
    this.handlers.set(p, h);
  }
  async unhandle(p: string) {
    this.handlers.delete(p);
  }
  /** Our side of the exchange never gets an answer: admission rests on the peer's stream. */
  openStream(): Promise<ByteStream> {
    return new Promise(() => {});
  }
  async dial(): Promise<string> {
    throw new Error('no dialling here');
  }
  async hangUp(peer: string) {
    this.hungUp.push(peer);
    this.connected.delete(peer);
    this.listener.peerDisconnected(peer);
  }
  isConnected(peer: string) {
    return this.connected.has(peer);
  }
  addresses() {
    return [];
  }
  peerScore() {
    return undefined;
  }
  connect(peer: string) {
    this.connected.add(peer);
    this.listener.peerConnected(peer);
  }
  presents(peer: string, pem: string) {
    const stream = scripted([encodeFrame(encodeIdentity(pem))]);
    this.handlers.get(identityProtocol)!(stream, peer);
    return stream;
  }
}

async function setup() {
  const clock = new FakeClock();
  const host = new FakeHost();
  const gossip = createHostedGossip(
    { allowedTopics: ['t'], admissionTimeoutMs: 1000, gossipMessageBytesMax: 8 },
    {
      host,
      clock,
      random: seededRandom(1),
      identity: { certPem: goodPem, verifyPeer: (pem) => pem === goodPem },
    },
  );
  const events: PeerEvent[] = [];
  gossip.onPeer((e) => events.push(e));
  await gossip.start();
  return { clock, host, gossip, events };
}

describe('createHostedGossip admission', () => {
  it('admits a peer whose certificate verifies and answers it yes', async () => {
    const { clock, host, gossip, events } = await setup();
    host.connect('p');
    const stream = host.presents('p', goodPem);
    await clock.advanceAsync(1);
    assert.deepEqual(events, [{ type: 'connect', peer: 'p' }]);
    assert.deepEqual(gossip.peers(), ['p']);
    assert.deepEqual(stream.sent, [encodeFrame(Uint8Array.of(0))]);
    await clock.advanceAsync(5000);
    assert.deepEqual(host.hungUp, []);
  });

  it('answers no and hangs up on a peer whose certificate does not verify', async () => {
    const { clock, host, gossip, events } = await setup();
    host.connect('p');
    const stream = host.presents('p', badPem);
    await clock.advanceAsync(1);
    assert.deepEqual(stream.sent, [encodeFrame(Uint8Array.of(1))]);
    assert.deepEqual(host.hungUp, ['p']);
    assert.deepEqual(events, []);
    assert.deepEqual(gossip.peers(), []);
  });

  it('hangs up on a peer that shows no certificate by the deadline, not before', async () => {
    const { clock, host } = await setup();
    host.connect('p');
    await clock.advanceAsync(999);
    assert.deepEqual(host.hungUp, []);
    await clock.advanceAsync(1);
    assert.deepEqual(host.hungUp, ['p']);
  });
});

describe('createHostedGossip validation', () => {
  it('holds a message from a pending peer until it is admitted', async () => {
    const { clock, host } = await setup();
    host.connect('p');
    let verdict: string | undefined;
    void host.listener.validate('t', Uint8Array.of(1), 'p', 'author').then((v) => (verdict = v));
    await clock.advanceAsync(10);
    assert.equal(verdict, undefined);
    host.presents('p', goodPem);
    await clock.advanceAsync(1);
    assert.equal(verdict, 'accept');
  });

  it('rejects from refused peers, oversized messages and topics off the list', async () => {
    const { clock, host } = await setup();
    host.connect('ok');
    host.presents('ok', goodPem);
    host.connect('bad');
    host.presents('bad', badPem);
    await clock.advanceAsync(1);
    const v = host.listener.validate;
    assert.equal(await v('t', Uint8Array.of(1), 'bad', 'bad'), 'reject');
    assert.equal(await v('t', new Uint8Array(9), 'ok', 'ok'), 'reject');
    assert.equal(await v('other', Uint8Array.of(1), 'ok', 'ok'), 'reject');
    assert.equal(await v('t', new Uint8Array(8), 'ok', 'ok'), 'accept');
  });

  it('gives the topic validator the author, and counts its throw as a reject', async () => {
    const { clock, host, gossip } = await setup();
    host.connect('relay');
    host.presents('relay', goodPem);
    await clock.advanceAsync(1);
    const authors: string[] = [];
    gossip.setValidator('t', (d, from) => {
      authors.push(from);
      if (d[0] === 0) throw new Error('validator bug');
      return d[0] === 1 ? 'ignore' : 'accept';
    });
    const v = host.listener.validate;
    assert.equal(await v('t', Uint8Array.of(1), 'relay', 'origin'), 'ignore');
    assert.equal(await v('t', Uint8Array.of(0), 'relay', 'origin'), 'reject');
    assert.deepEqual(authors, ['origin', 'origin']);
  });
});
