/**
 * The encrypted, multiplexed connection both sides run: Noise over the transport, Yamux on top,
 * each tuned for the mesh's small request/response frames. Measured on bench/mesh-overhead, a
 * proxied HTTP request over the stock pair cost 8 socket writes between the agents:
 *
 * - Noise wrote every frame as two buffers (its 2-byte length, then the ciphertext), and the TCP
 *   connection writes each buffer with its own `write(2)`. `secureChannel()` hands the transport
 *   one buffer per frame: half the syscalls, one TCP segment instead of two.
 * - js-libp2p's Yamux answers every data frame with a window update, another encrypted frame and
 *   two more writes, and grew a new stream's window with one more on its first data.
 *   `deferWindowUpdates` holds them until half the window (at first 128 KiB) has been read on
 *   the stream, as go-yamux does, so a sender always has at least half a window in hand and
 *   small exchanges carry no updates at all.
 *
 * - Noise's frame splitter copied every read into a list and threw (and caught) a RangeError
 *   with a fresh stack at the end of each read; `NoiseFrameSplitter` does neither.
 * - Noise sealed and opened each frame in 1.8–3 µs (its AssemblyScript ChaCha20-Poly1305), the
 *   largest single cost left per proxied request. `noiseCrypto` seals and opens frames under
 *   8 KiB with aead/chacha20poly1305.ts (0.55–0.8 µs), larger ones with Node's OpenSSL.
 * - Every layer (the TCP connection, Noise, each Yamux stream) passed what it read through its
 *   read buffer and a new 'message' event, three times per frame. `deliverReadsDirectly` hands
 *   a read straight to the layer's one listener when nothing is buffered or paused: +4% cross-node
 *   req/s. Sending straight down the layers (Yamux header, seal, `write`) measured +1% and was
 *   not kept.
 * - Every send announced 'idle' at each layer, an Event built and dispatched with nobody
 *   listening. `skipUnheardEvents` builds none that nobody hears: +3% cross-node req/s.
 *
 * - Opening a stream cost a round trip (multistream-select) and 5 frames before the first byte
 *   could pass; streams Wisp opens with `optimistic` send the protocol's request with their first
 *   bytes and listeners answer it in one frame (optimistic-select.ts): 5 frames for a short
 *   exchange and its closes instead of 9.
 *
 * Tried and dropped: corking the TCP socket until the end of the I/O round so frames of many
 * streams leave in one `writev`. Fewer syscalls, but the delayed writes cost the pipeline more
 * than they saved (cross-node req/s 0.39–0.45× → 0.29–0.32× direct, alternating runs).
 *
 * These patch methods on instances of the exact versions pinned in p2p/package.json; the
 * wrappers check the methods are there, and connection-stack.test.ts fails if an upgrade
 * changes them.
 *
 *   createLibp2p({ connectionEncrypters: [secureChannel()], streamMuxers: [streamMuxer()] });
 */
import { noise, type ICryptoInterface } from '@chainsafe/libp2p-noise';
import { defaultCrypto, nodeCrypto } from '@chainsafe/libp2p-noise/crypto';
import { yamux } from '@chainsafe/libp2p-yamux';
import type {
  ComponentLogger,
  ConnectionEncrypter,
  MessageStream,
  PrivateKey,
  SecuredConnection,
  StreamMuxerFactory,
  Upgrader,
} from '@libp2p/interface';
import { gossipStreamDefaults } from '@wisp/core';
import { chachaPoly, tagBytes } from './aead/chacha20poly1305.ts';
import { selectOptimistically } from './optimistic-select.ts';
import { yamuxState } from './yamux-internals.ts';

/** Uint8ArrayList as far as this file uses it (a type-only stand-in: no extra dependency). */
interface Uint8ArrayList {
  readonly byteLength: number;
  subarray(): Uint8Array;
}

/**
 * Streams one connection may carry at once, each way: libp2p's per-protocol registrar limit and
 * Yamux's per-connection one, set to the hosted gossip's `streamsPerPeerMax` default (which
 * counts and refuses beyond it with a named error), so libp2p never refuses first.
 */
export const streamsPerConnectionMax = gossipStreamDefaults.streamsPerPeerMax;

interface NoiseComponents {
  readonly privateKey: PrivateKey;
  readonly logger: ComponentLogger;
  readonly upgrader: Upgrader;
}

/** What `secureChannel` relies on in Noise's message stream. */
interface NoiseMessageStream {
  encrypt(chunk: Uint8Array | Uint8ArrayList): Uint8ArrayList | Uint8Array;
  readonly decoder: { decode(data: Uint8Array | Uint8ArrayList): Iterable<Uint8Array> };
}

/**
 * Splits the bytes read into Noise frames (a 2-byte big-endian length, then that many bytes).
 * Noise's own splitter copies every read into a list and signals "frame incomplete" by
 * throwing a RangeError it catches, a new one with a stack trace per read: 3.5% of a proxied
 * request. Whole frames here are views of the read buffer (Noise decrypts them in place); a
 * frame cut across reads is copied once, when its last byte arrives.
 */
export class NoiseFrameSplitter {
  /**
   * The start of a frame cut across reads, kept as read until the whole frame is here: bounded
   * by construction at one frame (a 16-bit length, so at most 64 KiB + 2).
   */
  #parts: Uint8Array[] = [];
  #partsBytes = 0;

  *decode(data: Uint8Array | Uint8ArrayList): Generator<Uint8Array> {
    let buf = data instanceof Uint8Array ? data : data.subarray();
    if (this.#partsBytes > 0) {
      this.#parts.push(buf);
      this.#partsBytes += buf.byteLength;
      const end = this.#firstFrameEnd();
      if (end === undefined || this.#partsBytes < end) return;
      // One copy per cut frame, however many reads it took.
      buf = Buffer.concat(this.#parts, this.#partsBytes);
      this.#parts = [];
      this.#partsBytes = 0;
    }
    let at = 0;
    while (buf.byteLength - at >= 2) {
      const end = at + 2 + ((buf[at] << 8) | buf[at + 1]);
      if (end > buf.byteLength) break;
      if (end > at + 2) yield buf.subarray(at + 2, end);
      at = end;
    }
    if (at < buf.byteLength) {
      this.#parts = [buf.subarray(at)];
      this.#partsBytes = buf.byteLength - at;
    }
  }

  /** Where the kept frame ends, once its 2-byte length has arrived. */
  #firstFrameEnd(): number | undefined {
    if (this.#partsBytes < 2) return undefined;
    const [first, second] = this.#parts;
    const hi = first[0];
    const lo = first.byteLength > 1 ? first[1] : second[0];
    return 2 + ((hi << 8) | lo);
  }
}

/**
 * Messages from this size up go to OpenSSL, which takes about 15 µs to set up a cipher and then
 * runs three times faster per byte than the wasm module: measured, they break even near 8 KiB.
 */
export const wasmAeadBytesMax = 8 * 1024;

/** Noise's crypto with ChaCha20-Poly1305 from aead/ for messages under `wasmAeadBytesMax`. */
export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
    if (plaintext.byteLength >= wasmAeadBytesMax || !chachaPoly.fits(plaintext.byteLength, ad)) {
      return nodeCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k);
    }
    return chachaPoly.seal(k, nonce, ad, plaintext);
  },
  chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst) {
    const length = ciphertext.byteLength - tagBytes;
    if (length >= wasmAeadBytesMax || !chachaPoly.fits(length, ad)) {
      return nodeCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst);
    }
    const plaintext = chachaPoly.open(k, nonce, ad, ciphertext, dst);
    // Noise counts the failure and drops the connection; the message is the one it expects.
    if (plaintext === undefined) throw new Error('Invalid chacha20poly1305 decryption');
    return plaintext;
  },
};

export function secureChannel(): (components: NoiseComponents) => ConnectionEncrypter {
  const factory = noise({ crypto: noiseCrypto });
  return (components) => {
    const encrypter = factory(components as Parameters<typeof factory>[0]);
    const outbound = encrypter.secureOutbound.bind(encrypter);
    const inbound = encrypter.secureInbound.bind(encrypter);
    const flatten = <T extends SecuredConnection>(secured: T): T => {
      oneBufferPerFrame(secured.connection);
      return secured;
    };
    encrypter.secureOutbound = async (c, o) => flatten(await outbound(takeShortcuts(c), o));
    encrypter.secureInbound = async (c, o) => flatten(await inbound(takeShortcuts(c), o));
    return encrypter;
  };
}

function oneBufferPerFrame(connection: MessageStream): void {
  const stream = connection as MessageStream & Partial<NoiseMessageStream>;
  const encrypt = stream.encrypt;
  if (typeof encrypt !== 'function' || typeof stream.decoder?.decode !== 'function') {
    throw new TypeError('libp2p-noise: its message stream no longer has encrypt() and decoder');
  }
  const frames = new NoiseFrameSplitter();
  stream.decoder.decode = (data) => frames.decode(data);
  stream.encrypt = (chunk) => {
    const out = encrypt.call(stream, chunk);
    return out instanceof Uint8Array ? out : out.subarray();
  };
}

type MessageListener = (event: { readonly data: Uint8Array | Uint8ArrayList }) => void;

/** What `deliverReadsDirectly` relies on in js-libp2p's AbstractMessageStream. */
interface DirectReadable {
  onData(data: Uint8Array | Uint8ArrayList): void;
  addEventListener(type: string, listener: unknown, options?: unknown): void;
  removeEventListener(type: string, listener: unknown, options?: unknown): void;
  listenerCount(type: string): number;
  abort(error: Error): void;
  readonly readStatus: string;
  readonly remoteWriteStatus: string;
  readonly readBufferLength: number;
}

/**
 * Hands what `stream` reads straight to its one 'message' listener while nothing is buffered,
 * its reads are neither paused nor closing and the remote may still write: the listener gets
 * the bytes as read, in the same call. Otherwise (paused, buffered, several listeners, or a
 * listener added with `once` or a `signal`, which this does not track) js-libp2p's own path
 * buffers and dispatches as before. A listener that throws aborts the stream with its error,
 * where an event's listener would have thrown it out of the event loop. Returns `stream`.
 */
export function deliverReadsDirectly<T>(stream: T): T {
  const s = stream as T & Partial<DirectReadable>;
  const { onData, addEventListener, removeEventListener } = s;
  if (
    typeof onData !== 'function' ||
    typeof addEventListener !== 'function' ||
    typeof removeEventListener !== 'function' ||
    typeof s.listenerCount !== 'function' ||
    typeof s.readBufferLength !== 'number'
  ) {
    throw new TypeError('libp2p: its message stream no longer has onData() and a read buffer');
  }
  const target = s as T & DirectReadable;
  /** The 'message' listeners added as plain functions without options that remove them. */
  const listeners: MessageListener[] = [];
  target.addEventListener = function (type, listener, options) {
    const removable =
      typeof options === 'object' && options !== null && ('once' in options || 'signal' in options);
    if (type === 'message' && typeof listener === 'function' && !removable) {
      listeners.push(listener as MessageListener);
    }
    addEventListener.call(this, type, listener, options);
  };
  target.removeEventListener = function (type, listener, options) {
    const i = type === 'message' ? listeners.indexOf(listener as MessageListener) : -1;
    if (i >= 0) listeners.splice(i, 1);
    removeEventListener.call(this, type, listener, options);
  };
  target.onData = function (data) {
    if (
      listeners.length !== 1 ||
      this.listenerCount('message') !== 1 ||
      this.readStatus !== 'readable' ||
      this.remoteWriteStatus !== 'writable' ||
      this.readBufferLength > 0 ||
      data.byteLength === 0
    ) {
      onData.call(this, data);
      return;
    }
    try {
      listeners[0]({ data });
    } catch (e) {
      this.abort(e instanceof Error ? e : new Error(String(e)));
    }
  };
  return stream;
}

/** What `skipUnheardEvents` relies on in js-libp2p's TypedEventEmitter. */
interface EventSource {
  safeDispatchEvent(type: string, detail?: unknown): boolean;
  listenerCount(type: string): number;
}

/**
 * Drops the events of `stream` that nobody listens for. js-libp2p's streams announce 'idle'
 * after every send, once per layer, by building an Event (whose constructor reads the clock) and
 * dispatching it through EventTarget whether or not anything listens: 7% of an agent's CPU per
 * proxied request on bench/mesh-overhead. An event with a listener is dispatched as before:
 * 'drain' (the stream's own), or 'idle' once `close` waits on it for the write buffer to empty.
 * Returns `stream`.
 */
export function skipUnheardEvents<T>(stream: T): T {
  const s = stream as T & Partial<EventSource>;
  const { safeDispatchEvent } = s;
  if (typeof safeDispatchEvent !== 'function' || typeof s.listenerCount !== 'function') {
    throw new TypeError('libp2p: its message stream no longer has safeDispatchEvent()');
  }
  (s as T & EventSource).safeDispatchEvent = function (type, detail) {
    return this.listenerCount(type) === 0 || safeDispatchEvent.call(this, type, detail);
  };
  return stream;
}

/** Every shortcut this file offers a layer of the connection (TCP, Noise, a Yamux stream). */
export function takeShortcuts<T>(stream: T): T {
  return skipUnheardEvents(deliverReadsDirectly(stream));
}

/** What `streamMuxer` relies on in Yamux's muxer: it creates every stream, both directions. */
interface YamuxMuxerInternals {
  _newStream(streamId: number, state: number, direction: string): unknown;
}

export function streamMuxer(): (components: unknown) => StreamMuxerFactory {
  const factory = yamux({
    maxInboundStreams: streamsPerConnectionMax,
    maxOutboundStreams: streamsPerConnectionMax,
  });
  return (components) => {
    const muxers = (factory as (c: unknown) => StreamMuxerFactory)(components);
    const create = muxers.createStreamMuxer.bind(muxers);
    // libp2p adds its registrar to the components after the muxers: read when a stream arrives.
    const handled = () =>
      (components as { registrar: { getProtocols(): string[] } }).registrar.getProtocols();
    muxers.createStreamMuxer = (maConn) => {
      const muxer = create(takeShortcuts(maConn)) as ReturnType<typeof create> &
        Partial<YamuxMuxerInternals>;
      const newStream = muxer._newStream;
      if (typeof newStream !== 'function') {
        throw new TypeError('libp2p-yamux: its muxer no longer has _newStream()');
      }
      muxer._newStream = function (...args) {
        return deferWindowUpdates(newStream.apply(this, args));
      };
      selectOptimistically(muxer, handled);
      return muxer;
    };
    return muxers;
  };
}

/** What `deferWindowUpdates` relies on in a Yamux stream. */
export interface YamuxWindow {
  readonly state: number;
  /** The window the receiver grants, and how much of it the sender may still use. */
  readonly recvWindow: number;
  readonly recvWindowCapacity: number;
  sendWindowUpdate(): void;
}

/**
 * Holds a stream's window updates until it has read half its window (at first 128 KiB of 256)
 * since the last one, as go-yamux does: until then the sender still has the other half in hand,
 * so holding never stalls it. js-libp2p's Yamux otherwise answers every data frame with an
 * update, and on a new stream's first data grows the window (an update of 256 KiB more) however
 * little was read. When the update goes, it carries what is owed and any growth, as Yamux
 * computes them. An update carrying SYN or ACK, or noting a pause, goes as before. Applied by
 * `streamMuxer` to every stream; returns `stream`.
 */
export function deferWindowUpdates<T>(stream: T): T {
  const s = stream as T & Partial<YamuxWindow>;
  const send = s.sendWindowUpdate;
  if (
    typeof send !== 'function' ||
    typeof s.state !== 'number' ||
    typeof s.recvWindow !== 'number' ||
    typeof s.recvWindowCapacity !== 'number'
  ) {
    throw new TypeError('libp2p-yamux: its stream no longer has sendWindowUpdate() and windows');
  }
  (s as T & YamuxWindow).sendWindowUpdate = function () {
    // The next frame carries SYN or ACK, or Yamux only notes a pause: as before.
    const flagged =
      this.state === yamuxState.init ||
      this.state === yamuxState.synReceived ||
      this.state === yamuxState.paused;
    if (!flagged && this.recvWindow - this.recvWindowCapacity < this.recvWindow / 2) return;
    send.call(this);
  };
  return stream;
}
