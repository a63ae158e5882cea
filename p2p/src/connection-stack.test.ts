import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Libp2p, Stream } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import fc from 'fast-check';
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto';
import {
  NoiseFrameSplitter,
  deferWindowUpdates,
  deliverReadsDirectly,
  noiseCrypto,
  secureChannel,
  skipUnheardEvents,
  streamMuxer,
  wasmAeadBytesMax,
} from './connection-stack.ts';
import { countSocketWrites } from './test-fixtures.ts';

const echo = '/wisp/test/echo/1';

async function node(): Promise<Libp2p> {
  const n = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [secureChannel()],
    streamMuxers: [streamMuxer()],
  });
  await n.handle(echo, async (stream: Stream) => {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) await stream.onDrain();
    }
    await stream.close();
  });
  return n;
}

/** Reads from `it` until `bytes` have arrived; returns them joined. */
async function readBytes(it: AsyncIterator<unknown>, bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < bytes) {
    const next = await it.next();
    assert.ok(!next.done, `stream ended after ${got} of ${bytes} bytes`);
    const chunk = next.value as Uint8Array | { subarray(): Uint8Array };
    const buf = Buffer.from(chunk instanceof Uint8Array ? chunk : chunk.subarray());
    parts.push(buf);
    got += buf.byteLength;
  }
  return Buffer.concat(parts);
}

describe('connection stack over real TCP', () => {
  let a: Libp2p;
  let b: Libp2p;
  before(async () => {
    a = await node();
    b = await node();
    await a.dial(b.getMultiaddrs()[0]);
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });

  it('writes one TCP segment per message each way in a small exchange', async () => {
    const stream = await a.dialProtocol(b.peerId, echo);
    const it = stream[Symbol.asyncIterator]();
    const rounds = 200;
    const writes = await countSocketWrites(async () => {
      for (let i = 0; i < rounds; i++) {
        const msg = Buffer.from(`GET /${i} HTTP/1.1\r\nhost: x\r\n\r\n`);
        stream.send(msg);
        assert.deepEqual(await readBytes(it, msg.byteLength), msg);
      }
    });
    // The stock Noise + Yamux pair writes 8: length and ciphertext apart, and a window update
    // answering each data frame. A few frames of slack for a ping or the stream's opening.
    assert.ok(writes <= rounds * 2 + 16, `${writes} socket writes for ${rounds} round trips`);
    await stream.close();
  });

  it('carries 8 MiB each way intact with the window updates held back', async () => {
    const stream = await a.dialProtocol(b.peerId, echo);
    const it = stream[Symbol.asyncIterator]();
    const data = randomBytes(8 * 1024 * 1024);
    const sending = (async () => {
      for (let off = 0; off < data.byteLength; off += 60_000) {
        if (!stream.send(data.subarray(off, off + 60_000))) await stream.onDrain();
      }
    })();
    const back = await readBytes(it, data.byteLength);
    await sending;
    assert.equal(Buffer.compare(back, data), 0);
    await stream.close();
  });

  describe('deliverReadsDirectly', () => {
    /** js-libp2p's streams take what their transport read through `onData`. */
    type Reading = Stream & { onData(data: Uint8Array): void };
    const dialed = async () =>
      deliverReadsDirectly((await a.dialProtocol(b.peerId, echo)) as Reading);

    /** A real Yamux stream over Noise and TCP; reads are injected with `onData`. */
    async function opened(): Promise<{ stream: Reading; got: unknown[] }> {
      const stream = await dialed();
      const got: unknown[] = [];
      stream.addEventListener('message', ({ data }) => got.push(data));
      return { stream, got };
    }

    const text = (chunks: unknown[]) =>
      chunks
        .map((c) =>
          Buffer.from(c instanceof Uint8Array ? c : (c as { subarray(): Uint8Array }).subarray()),
        )
        .join('');

    it('hands a read to the one listener as read, within the call', async () => {
      const { stream, got } = await opened();
      const read = Buffer.from('one');
      stream.onData(read);
      assert.equal(got.length, 1);
      assert.equal(got[0], read, 'the same bytes, not a copy in a list');
      stream.abort(new Error('done'));
    });

    it('keeps order across a pause: held while paused, later reads queue behind them', async () => {
      const { stream, got } = await opened();
      stream.pause();
      stream.onData(Buffer.from('a'));
      stream.onData(Buffer.from('b'));
      assert.equal(got.length, 0, 'nothing passes a paused stream');
      stream.resume();
      stream.onData(Buffer.from('c'));
      while (text(got).length < 3) await new Promise((r) => setTimeout(r, 1));
      stream.onData(Buffer.from('d'));
      assert.equal(text(got), 'abcd');
      stream.abort(new Error('done'));
    });

    it("leaves a second listener, or one added with once, to libp2p's own dispatch", async () => {
      const { stream, got } = await opened();
      const second: unknown[] = [];
      const listener = ({ data }: { data: unknown }) => second.push(data);
      stream.addEventListener('message', listener);
      stream.onData(Buffer.from('x'));
      assert.equal(text(got), 'x');
      assert.equal(text(second), 'x');
      stream.removeEventListener('message', listener);
      const once: unknown[] = [];
      stream.addEventListener('message', ({ data }) => once.push(data), { once: true });
      stream.onData(Buffer.from('y'));
      stream.onData(Buffer.from('z'));
      assert.equal(text(got), 'xyz');
      assert.equal(text(once), 'y');
      assert.equal(text(second), 'x', 'a removed listener hears nothing more');
      stream.abort(new Error('done'));
    });

    it('aborts the stream with the error its listener throws', async () => {
      const stream = await dialed();
      stream.addEventListener('message', () => {
        throw new Error('listener broke');
      });
      const closed = new Promise<Error | undefined>((resolve) =>
        stream.addEventListener('close', ({ error }) => resolve(error)),
      );
      stream.onData(Buffer.from('x'));
      assert.equal(stream.status, 'aborted');
      assert.match(String((await closed)?.message), /listener broke/);
    });

    it('refuses a stream without the methods it patches', () => {
      assert.throws(() => deliverReadsDirectly({ onData() {} }), /no longer has onData/);
    });
  });

  describe('skipUnheardEvents', () => {
    it('dispatches no event nobody listens for, and each one a listener waits on', async () => {
      const stream = skipUnheardEvents(await a.dialProtocol(b.peerId, echo));
      const dispatched: string[] = [];
      const dispatch = stream.dispatchEvent.bind(stream);
      stream.dispatchEvent = (event: Event) => {
        dispatched.push(event.type);
        return dispatch(event);
      };
      assert.equal(stream.send(Buffer.from('unheard')), true);
      assert.deepEqual(dispatched, [], "no 'idle' built for nobody");
      let idle = 0;
      stream.addEventListener('idle', () => idle++);
      stream.send(Buffer.from('heard'));
      assert.deepEqual(dispatched, ['idle']);
      assert.equal(idle, 1);
      const it = stream[Symbol.asyncIterator]();
      assert.equal(String(await readBytes(it, 12)), 'unheardheard', 'both sends arrive');
      await stream.close();
    });

    it('refuses a stream without the methods it patches', () => {
      assert.throws(() => skipUnheardEvents({ listenerCount: () => 0 }), /safeDispatchEvent/);
    });
  });
});

describe('noiseCrypto', () => {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const bytes = (b: Uint8Array | { subarray(): Uint8Array }) =>
    Buffer.from(b instanceof Uint8Array ? b : b.subarray());

  it("seals and opens as js-libp2p-noise's own crypto does, each side of the size switch", () => {
    for (const length of [0, 100, wasmAeadBytesMax - 1, wasmAeadBytesMax, 60_000]) {
      for (const ad of [new Uint8Array(0), randomBytes(32)]) {
        const plaintext = randomBytes(length);
        const ours = noiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key);
        const stock = defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, key);
        assert.deepEqual(bytes(ours), bytes(stock), `length ${length}`);
        const opened = noiseCrypto.chaCha20Poly1305Decrypt(stock, nonce, ad, key);
        assert.deepEqual(bytes(opened), plaintext, `length ${length}`);
      }
    }
  });

  it('throws on a forged message, small or large, as Noise expects of its crypto', () => {
    for (const length of [100, 20_000]) {
      const sealed = bytes(
        noiseCrypto.chaCha20Poly1305Encrypt(randomBytes(length), nonce, new Uint8Array(0), key),
      );
      sealed[length - 1] ^= 0x80;
      assert.throws(() =>
        noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, new Uint8Array(0), key),
      );
    }
  });
});

describe('deferWindowUpdates', () => {
  /** A Yamux stream's window bookkeeping, with `sendWindowUpdate` as Yamux computes it. */
  function fakeStream(state = 3, window = 256 * 1024) {
    const sent: number[] = [];
    const stream = {
      state,
      recvWindow: window,
      recvWindowCapacity: window,
      /** Yamux's own update: grant back what was read. */
      sendWindowUpdate() {
        if (this.state === 5) return;
        sent.push(this.recvWindow - this.recvWindowCapacity);
        this.recvWindowCapacity = this.recvWindow;
      },
      /** What Yamux does with a data frame: count it against the window, then update. */
      read(bytes: number) {
        this.recvWindowCapacity -= bytes;
        this.sendWindowUpdate();
      },
    };
    return { stream: deferWindowUpdates(stream), sent };
  }

  it('holds updates until half the window was read, then sends what is owed', () => {
    const { stream, sent } = fakeStream();
    const step = 32 * 1024;
    for (let i = 0; i < 3; i++) stream.read(step);
    assert.deepEqual(sent, []);
    stream.read(step);
    assert.deepEqual(sent, [128 * 1024]);
    stream.read(10);
    assert.equal(sent.length, 1, 'owed count starts again after a send');
  });

  it('scales with a grown window: half of 1 MiB', () => {
    const { stream, sent } = fakeStream(3, 1024 * 1024);
    stream.read(256 * 1024);
    stream.read(255 * 1024);
    assert.deepEqual(sent, []);
    stream.read(1024);
    assert.deepEqual(sent, [512 * 1024]);
  });

  it('sends at once an update that carries SYN or ACK, or notes a pause', () => {
    for (const state of [0, 2, 5]) {
      const { stream, sent } = fakeStream(state);
      stream.read(5);
      assert.deepEqual(sent, state === 5 ? [] : [5], `state ${state}`);
    }
  });

  it('never leaves a sender without half a window, whatever the reads', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 * 1024 }), { maxLength: 100 }), (reads) => {
        const { stream } = fakeStream();
        for (const bytes of reads) {
          stream.read(Math.min(bytes, stream.recvWindowCapacity));
          assert.ok(stream.recvWindowCapacity > stream.recvWindow / 2);
        }
      }),
    );
  });

  it('refuses a stream without the methods it patches', () => {
    assert.throws(() => deferWindowUpdates({}), /no longer has sendWindowUpdate/);
  });
});

describe('NoiseFrameSplitter', () => {
  const frame = (body: Uint8Array) =>
    Buffer.concat([Buffer.from([body.length >> 8, body.length & 255]), body]);

  it('yields every whole frame of one read as a view of it, without copying', () => {
    const read = Buffer.concat([frame(Buffer.from('abc')), frame(Buffer.from('de'))]);
    const out = [...new NoiseFrameSplitter().decode(read)];
    assert.deepEqual(
      out.map((b) => Buffer.from(b).toString()),
      ['abc', 'de'],
    );
    assert.equal(out[0].buffer, read.buffer);
  });

  it('keeps a frame cut anywhere, even inside its length, until the rest arrives', () => {
    const whole = frame(Buffer.from('hello'));
    for (let cut = 0; cut <= whole.length; cut++) {
      const splitter = new NoiseFrameSplitter();
      const first = [...splitter.decode(whole.subarray(0, cut))];
      const second = [...splitter.decode(whole.subarray(cut))];
      const got = [...first, ...second].map((b) => Buffer.from(b).toString());
      assert.deepEqual(got, ['hello'], `cut at ${cut}`);
    }
  });

  it('holds a large frame arriving a byte at a time and yields it once, whole', () => {
    const body = randomBytes(3000);
    const whole = frame(body);
    const splitter = new NoiseFrameSplitter();
    const out: Uint8Array[] = [];
    for (let i = 0; i < whole.length; i++) out.push(...splitter.decode(whole.subarray(i, i + 1)));
    assert.equal(out.length, 1);
    assert.deepEqual(Buffer.from(out[0]), body);
  });

  it('skips empty frames', () => {
    const read = Buffer.concat([frame(new Uint8Array(0)), frame(Buffer.from('x'))]);
    assert.deepEqual([...new NoiseFrameSplitter().decode(read)].length, 1);
  });

  it('gives back the frames sent, however the bytes are cut into reads', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 50 }),
        (bodies, sizes) => {
          const bytes = Buffer.concat(bodies.map(frame));
          const splitter = new NoiseFrameSplitter();
          const out: Buffer[] = [];
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = sizes[i % sizes.length];
            for (const f of splitter.decode(bytes.subarray(at, at + size)))
              out.push(Buffer.from(f));
            at += size;
          }
          assert.deepEqual(
            out,
            bodies.map((b) => Buffer.from(b)),
          );
        },
      ),
    );
  });
});
