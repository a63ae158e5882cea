/**
 * Conformance: byte streams — both directions, half-close, reset, named failures, the per-peer
 * stream cap and the idle deadline.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sendAll, streamChunks, type ByteSink, type GossipStream } from '@wisp/core';
import {
  bytes,
  codeOf,
  outcome,
  settled,
  text,
  topicA,
  type GossipTestNetwork,
} from './gossip-conformance-helpers.ts';

const pipe = '/wisp/test/pipe/1.0.0';

async function readAll(stream: GossipStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of streamChunks(stream)) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Echoes everything back upper-cased, then closes its side once the opener closed. */
async function shout(stream: GossipStream): Promise<void> {
  for await (const c of streamChunks(stream)) await sendAll(stream, bytes(text(c).toUpperCase()));
  await stream.close();
}

async function pair(n: GossipTestNetwork, init: object = {}) {
  const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA], ...init })));
  await n.link(a, b);
  return [a, b] as const;
}

/**
 * A linked pair with a `pipe` stream open from `a` to `b` (`s`); `accepted()` waits for `b`'s
 * end of it, which `onInbound` sees first.
 */
async function pipedPair(
  n: GossipTestNetwork,
  onInbound: (stream: GossipStream) => void = () => {},
) {
  const [a, b] = await pair(n);
  let inbound: GossipStream | undefined;
  b.handleStream(pipe, (stream) => {
    inbound = stream;
    onInbound(stream);
  });
  const s = await settled(n, a.openStream(b.peerId, pipe));
  const accepted = async (): Promise<GossipStream> => {
    await n.eventually(() => inbound !== undefined, 5000, 'the inbound stream');
    return inbound!;
  };
  return { a, b, s, accepted };
}

export function streamCases(net: () => GossipTestNetwork): void {
  it('carries bytes both ways and reads the answer after a half-close', async () => {
    const n = net();
    const [a, b] = await pair(n);
    const froms: string[] = [];
    b.handleStream(pipe, (stream, from) => {
      froms.push(from);
      void shout(stream).catch(() => undefined);
    });
    const s = await settled(n, a.openStream(b.peerId, pipe, { timeoutMs: 5000 }));
    assert.equal(s.peer, b.peerId);
    const answer = outcome(readAll(s));
    await sendAll(s, bytes('hello '));
    await sendAll(s, bytes('mesh'));
    await s.close();
    await n.eventually(() => answer.done, 5000, 'the echo');
    assert.equal(text(answer.value!), 'HELLO MESH');
    assert.deepEqual(froms, [a.peerId]);
  });

  it('opens optimistically: bytes both ways, the first sent before the peer confirmed', async () => {
    const n = net();
    const [a, b] = await pair(n);
    b.handleStream(pipe, (stream) => void shout(stream).catch(() => undefined));
    // A handler that speaks first: the opener sends nothing, and still hears it.
    b.handleStream(`${pipe}/hello`, (stream) => {
      void sendAll(stream, bytes('hello'))
        .then(() => stream.close())
        .catch(() => undefined);
    });
    const s = await settled(n, a.openStream(b.peerId, pipe, { optimistic: true }));
    const answer = outcome(readAll(s));
    await sendAll(s, bytes('hello '));
    await sendAll(s, bytes('mesh'));
    await s.close();
    const hello = await settled(n, a.openStream(b.peerId, `${pipe}/hello`, { optimistic: true }));
    const greeting = outcome(readAll(hello));
    await n.eventually(() => answer.done && greeting.done, 5000, 'both answers');
    assert.equal(text(answer.value!), 'HELLO MESH');
    assert.equal(text(greeting.value!), 'hello');
  });

  it('ends an optimistic stream to an unhandled protocol with ERR_NOT_FOUND, or refuses it', async () => {
    const n = net();
    const [a, b] = await pair(n);
    b.handleStream(pipe, (s) => s.abort(new Error('unused')));
    const opening = outcome(a.openStream(b.peerId, '/wisp/test/none/1.0.0', { optimistic: true }));
    await n.eventually(() => opening.done, 5000, 'the open to settle');
    let failure = opening.error;
    if (!failure) {
      const reading = outcome(readAll(opening.value!));
      await sendAll(opening.value!, bytes('anyone?')).catch(() => undefined);
      await n.eventually(() => reading.done, 5000, 'the stream to end');
      failure = reading.error;
    }
    assert.equal(codeOf(failure), 'ERR_NOT_FOUND', String(failure));
  });

  it('holds 100 streams of one protocol open with one peer at once', async () => {
    // A NodePort with many keep-alive clients of one remote service holds a stream per client;
    // libp2p's own per-protocol default (32 inbound) reset the 33rd.
    const n = net();
    const [a, b] = await pair(n);
    b.handleStream(pipe, (stream) => void shout(stream).catch(() => undefined));
    const count = 100;
    const streams = await settled(
      n,
      Promise.all(Array.from({ length: count }, () => a.openStream(b.peerId, pipe))),
    );
    const answers = streams.map((s) => outcome(readAll(s)));
    for (const [i, s] of streams.entries()) await sendAll(s, bytes(`s${i}`));
    for (const s of streams) await s.close();
    await n.eventually(() => answers.every((x) => x.done), 10_000, 'every echo');
    assert.deepEqual(
      answers.flatMap((x, i) => (x.error ? [`stream ${i}: ${String(x.error)}`] : [])),
      [],
    );
    assert.deepEqual(
      answers.map((x) => text(x.value!)),
      streams.map((_, i) => `S${i}`),
    );
  });

  it('moves a megabyte each way intact', async () => {
    const n = net();
    const [a, b] = await pair(n);
    const big = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    b.handleStream(pipe, (stream) => {
      void readAll(stream)
        .then(async (got) => {
          await sendAll(stream, got);
          await stream.close();
        })
        .catch(() => undefined);
    });
    const s = await settled(n, a.openStream(b.peerId, pipe));
    const back = outcome(readAll(s));
    const sent = outcome(
      (async () => {
        for (let at = 0; at < big.byteLength; at += 16 * 1024) {
          await sendAll(s, big.subarray(at, at + 16 * 1024));
        }
        await s.close();
      })(),
    );
    await n.eventually(() => back.done && sent.done, 20_000, 'the round trip');
    assert.equal(sent.error, undefined);
    assert.equal(back.value!.byteLength, big.byteLength);
    assert.ok(Buffer.from(back.value!).equals(Buffer.from(big)));
  });

  it('fails the other side when one side aborts', async () => {
    const n = net();
    const { s, accepted } = await pipedPair(n);
    const reading = outcome(readAll(await accepted()));
    s.abort(new Error('client gave up'));
    await n.eventually(() => reading.done, 5000, 'the reset to arrive');
    assert.ok(reading.error, 'the read fails rather than ending cleanly');
  });

  it('refuses with ERR_NOT_FOUND an unknown protocol or a peer it is not connected to', async () => {
    const n = net();
    const [a, b] = await pair(n);
    const c = await n.node({ allowedTopics: [topicA] });
    c.handleStream(pipe, (s) => s.abort(new Error('unused')));
    const notFound = (e: unknown) => codeOf(e) === 'ERR_NOT_FOUND';
    await assert.rejects(settled(n, a.openStream(b.peerId, '/wisp/test/none/1.0.0')), notFound);
    await assert.rejects(settled(n, a.openStream(c.peerId, pipe)), notFound);
  });

  it('refuses streams past streamsPerPeerMax until one ends', async () => {
    const n = net();
    const [a, b] = await pair(n, { streamsPerPeerMax: 2 });
    b.handleStream(pipe, (stream) => void shout(stream).catch(() => undefined));
    const first = await settled(n, a.openStream(b.peerId, pipe));
    await settled(n, a.openStream(b.peerId, pipe));
    await assert.rejects(
      settled(n, a.openStream(b.peerId, pipe)),
      (e) => codeOf(e) === 'ERR_TOO_MANY_REQUESTS',
    );
    first.abort(new Error('done with it'));
    await n.pass(n.quietMs);
    const third = await settled(n, a.openStream(b.peerId, pipe));
    third.abort(new Error('done'));
  });

  it('aborts a stream idle for streamIdleTimeoutMs and keeps a busy one', async () => {
    const n = net();
    const [a, b] = await pair(n, { streamIdleTimeoutMs: 400 });
    b.handleStream(pipe, (stream) => void shout(stream).catch(() => undefined));
    const idle = await settled(n, a.openStream(b.peerId, pipe));
    const busy = await settled(n, a.openStream(b.peerId, pipe));
    const idleRead = outcome(readAll(idle));
    const busyRead = outcome(readAll(busy));
    for (let i = 0; i < 6; i++) {
      await sendAll(busy, bytes('.'));
      await n.pass(150);
    }
    await n.eventually(() => idleRead.done, 5000, 'the idle abort');
    // Either end's deadline may fire first: ours fails the read with ERR_TIMEOUT, theirs resets.
    assert.ok(idleRead.error, 'the idle stream fails');
    assert.equal(busyRead.done, false, 'the busy stream is still open');
    busy.abort(new Error('done'));
  });

  it('holds bytes back while paused, then delivers them in order and the end', async () => {
    const n = net();
    const { a, b, s, accepted } = await pipedPair(n);
    await sendAll(s, bytes('first '));
    const inbound = await accepted();
    const got: string[] = [];
    let ended: { error?: Error } | undefined;
    inbound.read({ data: (c) => got.push(text(c)), end: (error) => (ended = { error }) });
    await n.eventually(() => got.length > 0, 5000, 'the first bytes');
    inbound.pause();
    await sendAll(s, bytes('second '));
    await sendAll(s, bytes('third'));
    await s.close();
    // A round trip on a second stream of the same connection: by its answer, the bytes above
    // reached the paused side.
    b.handleStream(`${pipe}/echo`, (stream) => void shout(stream).catch(() => undefined));
    const probe = await settled(n, a.openStream(b.peerId, `${pipe}/echo`));
    const answer = outcome(readAll(probe));
    await sendAll(probe, bytes('ping'));
    await probe.close();
    await n.eventually(() => answer.done, 5000, 'the probe');
    assert.equal(got.join(''), 'first ', 'nothing delivered while paused');
    assert.equal(ended, undefined, 'no end while bytes are held back');
    inbound.resume();
    await n.eventually(() => ended !== undefined, 5000, 'the end after resume');
    assert.equal(got.join(''), 'first second third');
    assert.equal(ended!.error, undefined);
  });

  it('tells a sender the window is full while the reader is paused, and when it drains', async () => {
    const n = net();
    let received = 0;
    const { s, accepted } = await pipedPair(n, (stream) => {
      stream.read({ data: (c) => (received += c.byteLength), end: () => undefined });
      stream.pause();
    });
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    // Bounded: well past any window (yamux's 256 KiB, the memory stream's) plus buffers.
    while (s.send(chunk)) {
      sent += chunk.byteLength;
      assert.ok(sent < 64 * 1024 * 1024, 'send never reported a full window');
    }
    sent += chunk.byteLength;
    const drained = outcome(s.onDrain());
    const inbound = await accepted();
    await n.pass(n.quietMs);
    assert.equal(drained.done, false, 'no drain while the reader is paused');
    inbound.resume();
    await n.eventually(() => drained.done, 10_000, 'the drain after resume');
    assert.equal(drained.error, undefined);
    await n.eventually(() => received === sent, 10_000, 'every byte');
    s.abort(new Error('done'));
  });

  it('hands the rest of a stream to a second reader, end included', async () => {
    const n = net();
    const [a, b] = await pair(n);
    const got: string[] = [];
    let ended = false;
    b.handleStream(pipe, (stream) => {
      const rest: ByteSink = { data: (c) => got.push(`2:${text(c)}`), end: () => (ended = true) };
      stream.read({
        data(c) {
          got.push(`1:${text(c)}`);
          stream.read(rest);
        },
        end: () => got.push('1:end'),
      });
    });
    const s = await settled(n, a.openStream(b.peerId, pipe));
    await sendAll(s, bytes('header'));
    await n.eventually(() => got.length === 1, 5000, 'the first chunk');
    await sendAll(s, bytes('body'));
    await s.close();
    await n.eventually(() => ended, 5000, 'the end');
    assert.deepEqual(got, ['1:header', '2:body']);
  });
}
