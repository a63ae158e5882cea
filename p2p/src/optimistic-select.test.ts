import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { yamux } from '@chainsafe/libp2p-yamux';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Libp2p, Stream } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import { secureChannel, streamMuxer } from './connection-stack.ts';
import { byteStream } from './libp2p-host.ts';
import { parseSelectRequest, selectOptimistically, selectRequest } from './optimistic-select.ts';
import { countSocketWrites } from './test-fixtures.ts';

const echo = '/wisp/test/echo/1';
const hello = '/wisp/test/hello/1';
/** As Libp2pHost opens a Wisp stream (`optimistic` is read by the muxer, passed on by libp2p). */
const optimistic = { optimistic: true, runOnLimitedConnection: true };

/** A node with our connection stack, or with stock Yamux (`stock`), serving echo and hello. */
async function node(stock = false): Promise<Libp2p> {
  const n = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [secureChannel()],
    streamMuxers: [stock ? yamux() : streamMuxer()],
  });
  // Read through byteStream's events, as Wisp's handlers do: js-libp2p's async iterator misses
  // an end that arrived before it started, which a short optimistic exchange often does.
  await n.handle(echo, (stream: Stream) => {
    const s = byteStream(stream);
    s.read({
      data: (chunk) => {
        if (!s.send(chunk)) {
          s.pause();
          void s.onDrain().then(() => s.resume());
        }
      },
      end: () => void s.close().catch(() => undefined),
    });
  });
  // Speaks first, before reading anything.
  await n.handle(hello, async (stream: Stream) => {
    stream.send(new TextEncoder().encode('hello'));
    await stream.close();
  });
  return n;
}

async function readAll(stream: Stream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c instanceof Uint8Array ? c : c.subarray()));
  return Buffer.concat(parts);
}

describe('selectRequest and parseSelectRequest', () => {
  it('write what multistream-select 1.0 writes: varint length, text, newline, twice', () => {
    const bytes = selectRequest('/wisp/v1/mesh/tcp');
    const expected = Buffer.concat([
      Buffer.from([19]),
      Buffer.from('/multistream/1.0.0\n'),
      Buffer.from([18]),
      Buffer.from('/wisp/v1/mesh/tcp\n'),
    ]);
    assert.deepEqual(Buffer.from(bytes), expected);
  });

  it('read back a request for a handled protocol and the bytes after it', () => {
    const long = `/wisp/${'x'.repeat(200)}`; // a two-byte varint length
    for (const protocol of ['/wisp/v1/mesh/tcp', long]) {
      const bytes = Buffer.concat([selectRequest(protocol), Buffer.from('rest')]);
      const got = parseSelectRequest(bytes, ['/other', protocol]);
      assert.equal(got?.protocol, protocol);
      assert.equal(Buffer.from(got.rest).toString(), 'rest');
    }
  });

  it('leave anything else to libp2p: unhandled, cut short, ls, no header', () => {
    const request = selectRequest('/a');
    assert.equal(parseSelectRequest(request, ['/b']), undefined);
    for (let cut = 0; cut < request.byteLength; cut++) {
      assert.equal(parseSelectRequest(request.subarray(0, cut), ['/a']), undefined, `cut ${cut}`);
    }
    assert.equal(parseSelectRequest(selectRequest('ls'), ['/a']), undefined);
    assert.equal(parseSelectRequest(request.subarray(20), ['/a']), undefined);
    assert.equal(parseSelectRequest(new Uint8Array([0, 0, 0, 12]), ['/a']), undefined);
  });

  it('refuses a muxer without the methods it patches', () => {
    assert.throws(() => selectOptimistically({}, () => []), /no longer has onCreateStream/);
  });
});

describe('optimistic selection over real TCP', () => {
  let ours: Libp2p;
  let peer: Libp2p;
  let stock: Libp2p;
  before(async () => {
    [ours, peer, stock] = await Promise.all([node(), node(), node(true)]);
    await ours.dial(peer.getMultiaddrs()[0]);
    await ours.dial(stock.getMultiaddrs()[0]);
    await stock.dial(peer.getMultiaddrs()[0]);
  });
  after(async () => {
    await Promise.all([ours, peer, stock].map((n) => n.stop()));
  });

  it('opens without a round trip: five frames for an exchange and its closes, not nine', async () => {
    const exchange = (options: object) => async () => {
      const stream = await ours.dialProtocol(peer.peerId, echo, options);
      const answer = readAll(stream);
      stream.send(new TextEncoder().encode('ping'));
      await stream.close();
      assert.equal((await answer).toString(), 'ping');
    };
    // Warm both sides up (the peer store records the protocol once).
    await exchange(optimistic)();
    await exchange({})();
    const lazy = await countSocketWrites(exchange(optimistic));
    const waiting = await countSocketWrites(exchange({}));
    // Waiting: SYN, request, data, FIN from the opener; ACK, two echoes, data, FIN back (9).
    // Optimistic: SYN with request and data, FIN; ACK with echo, data, FIN back (5). A ping
    // or identify push could add one to either.
    assert.ok(lazy <= waiting - 4, `${lazy} writes optimistically, ${waiting} waiting`);
  });

  it('hears a listener that speaks first when the opener sends nothing', async () => {
    for (const to of [peer, stock]) {
      const stream = await ours.dialProtocol(to.peerId, hello, optimistic);
      assert.equal((await readAll(stream)).toString(), 'hello');
    }
  });

  it('carries 8 MiB each way intact, the request counted in both windows', async () => {
    for (const to of [peer, stock]) {
      const stream = await ours.dialProtocol(to.peerId, echo, optimistic);
      const data = randomBytes(8 * 1024 * 1024);
      const back = readAll(stream);
      for (let off = 0; off < data.byteLength; off += 60_000) {
        if (!stream.send(data.subarray(off, off + 60_000))) await stream.onDrain();
      }
      await stream.close();
      assert.equal(Buffer.compare(await back, data), 0);
    }
  });

  it('opens against stock Yamux both ways', async () => {
    const toStock = await ours.dialProtocol(stock.peerId, echo, optimistic);
    const fromStock = await stock.dialProtocol(peer.peerId, echo);
    for (const stream of [toStock, fromStock]) {
      const answer = readAll(stream);
      stream.send(new TextEncoder().encode('interop'));
      await stream.close();
      assert.equal((await answer).toString(), 'interop');
    }
  });

  it('sends the request before a pause, and reads after resuming', async () => {
    const stream = await ours.dialProtocol(peer.peerId, echo, optimistic);
    stream.pause();
    stream.send(new TextEncoder().encode('later'));
    const answer = readAll(stream);
    await new Promise((r) => setTimeout(r, 20));
    stream.resume();
    await stream.close();
    assert.equal((await answer).toString(), 'later');
  });

  it('aborts the stream with UnsupportedProtocolError when the peer has no handler', async () => {
    for (const to of [peer, stock]) {
      const stream = await ours.dialProtocol(to.peerId, '/wisp/test/none/1', optimistic);
      stream.send(new TextEncoder().encode('anyone?'));
      await assert.rejects(readAll(stream), (e: Error) => e.name === 'UnsupportedProtocolError');
    }
  });
});
