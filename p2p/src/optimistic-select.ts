/**
 * Optimistic protocol selection on Yamux streams, both sides, on the wire format of
 * multistream-select 1.0 ("lazy" select in go-libp2p and rust-libp2p; js-libp2p 3 always waits).
 *
 * js-libp2p opens a stream with a window update carrying SYN, then writes the multistream header
 * and the protocol, and waits for the listener to echo both before `newStream` resolves. The
 * listener answers with a window update carrying ACK and the two echoes, three frames, three
 * socket writes. A mesh tunnel paid that round trip, then the tunnel header's own, before a byte
 * of the connection passed.
 *
 * - Opener (`newStream(protocol, { optimistic: true })`): the stream starts with the protocol
 *   already named, so `newStream` resolves at once; the request waits in its write buffer and
 *   leaves with the first bytes sent, as one data frame carrying SYN (or alone on the next
 *   macrotask when nothing is sent by then). The echo is checked as it arrives and taken off
 *   the stream; any other answer ("na": no handler there) aborts the stream with an
 *   `UnsupportedProtocolError`, which is what a reader sees instead of `newStream` rejecting.
 * - Listener: a SYN data frame that starts with the request for a protocol handled here is
 *   answered at once with the echo in one data frame carrying ACK, and the stream reaches
 *   libp2p with the protocol already named, so its negotiation is skipped; the bytes after the
 *   request are the stream's first. Anything else (a stock js-libp2p opener's SYN comes alone,
 *   an unknown protocol, `ls`) goes to libp2p's own multistream-select, as before.
 *
 * Both directions interoperate with stock peers: a stock listener reads a pipelined request as
 * it reads any, and its two echoes are what the opener checks.
 *
 *   selectOptimistically(muxer, () => registrar.getProtocols());
 */

import { yamuxFlag, yamuxFrameType, yamuxState } from './yamux-internals.ts';

/** The multistream-select 1.0 header both sides send first. */
const multistreamHeader = '/multistream/1.0.0\n';

/** A listener's answer that does not select the protocol asked for. */
export class UnsupportedProtocolError extends Error {
  override readonly name = 'UnsupportedProtocolError';
}

/** Why an optimistic stream was aborted, kept for a reader that comes after the abort. */
const refusals = new WeakMap<object, UnsupportedProtocolError>();

/** The `UnsupportedProtocolError` that aborted `stream`, if that is what ended it. */
export function selectionFailure(stream: object): Error | undefined {
  return refusals.get(stream);
}

/**
 * What a listener answers when it selects `protocol`, and what an opener sends to ask for it:
 * the header and the protocol, each a varint length then the text and a newline.
 */
export function selectRequest(protocol: string): Uint8Array {
  const parts = [multistreamHeader, `${protocol}\n`].map((s) => new TextEncoder().encode(s));
  const out: number[] = [];
  for (const part of parts) {
    for (let n = part.byteLength; ; n >>>= 7) {
      if (n < 0x80) {
        out.push(n);
        break;
      }
      out.push((n & 0x7f) | 0x80);
    }
    out.push(...part);
  }
  return Uint8Array.from(out);
}

/**
 * The protocol a stream's first bytes ask for when they are a whole request for one of
 * `handled`, and the bytes after it; undefined for anything else.
 */
export function parseSelectRequest(
  bytes: Uint8Array,
  handled: readonly string[],
): { protocol: string; rest: Uint8Array } | undefined {
  const header = readLine(bytes, 0);
  if (header?.text !== multistreamHeader) return undefined;
  const named = readLine(bytes, header.end);
  if (named === undefined || !named.text.endsWith('\n')) return undefined;
  const protocol = named.text.slice(0, -1);
  if (!handled.includes(protocol)) return undefined;
  return { protocol, rest: bytes.subarray(named.end) };
}

/** One varint-length-prefixed message at `at` (lengths of up to two varint bytes). */
function readLine(bytes: Uint8Array, at: number): { text: string; end: number } | undefined {
  if (at >= bytes.byteLength) return undefined;
  let length = bytes[at];
  let start = at + 1;
  if (length & 0x80) {
    if (at + 1 >= bytes.byteLength || bytes[at + 1] & 0x80) return undefined;
    length = (length & 0x7f) | (bytes[at + 1] << 7);
    start = at + 2;
  }
  const end = start + length;
  if (length === 0 || end > bytes.byteLength) return undefined;
  return { text: new TextDecoder().decode(bytes.subarray(start, end)), end };
}

interface FrameHeader {
  readonly type: number;
  readonly flag: number;
  readonly streamID: number;
  readonly length: number;
}

interface Frame {
  readonly header: FrameHeader;
  readonly data?: Uint8Array | { readonly byteLength: number; subarray(): Uint8Array } | null;
}

/** What this file relies on in a Yamux stream (and js-libp2p's AbstractMessageStream under it). */
interface YamuxStreamInternals {
  readonly streamId: number;
  readonly state: number;
  protocol: string;
  readonly writeBuffer: { append(data: Uint8Array): void };
  sendWindowUpdate(): void;
  sendPause(): void;
  handleData(frame: Frame): void;
  handleWindowUpdate(frame: Frame): void;
  processSendQueue(): boolean;
  send(data: Uint8Array): boolean;
  abort(error: Error): void;
}

/** What this file relies on in the Yamux muxer. */
interface YamuxMuxerInternals {
  onCreateStream(options?: { protocol?: string; optimistic?: boolean }): YamuxStreamInternals;
  handleStreamMessage(frame: Frame): void;
  onRemoteStream(stream: YamuxStreamInternals): void;
}

/**
 * Lets streams of `muxer` select their protocol optimistically, opener and listener side;
 * `handled` lists the protocols this node serves. Throws if the pinned Yamux moved what it
 * patches.
 */
export function selectOptimistically(muxer: unknown, handled: () => readonly string[]): void {
  const m = muxer as Partial<YamuxMuxerInternals>;
  const { onCreateStream, handleStreamMessage, onRemoteStream } = m;
  if (
    typeof onCreateStream !== 'function' ||
    typeof handleStreamMessage !== 'function' ||
    typeof onRemoteStream !== 'function'
  ) {
    throw new TypeError(
      'libp2p-yamux: its muxer no longer has onCreateStream(), handleStreamMessage() and ' +
        'onRemoteStream()',
    );
  }
  m.onCreateStream = function (options) {
    const stream = onCreateStream.call(this, options);
    if (options?.optimistic === true && typeof options.protocol === 'string') {
      openOptimistically(stream, options.protocol);
    }
    return stream;
  };
  /** The protocol an arriving SYN frame asked for, while Yamux creates its stream. */
  let arriving: { readonly id: number; readonly protocol: string } | undefined;
  m.handleStreamMessage = function (frame) {
    const { header, data } = frame;
    if (
      header.type !== yamuxFrameType.data ||
      !(header.flag & yamuxFlag.syn) ||
      !data?.byteLength
    ) {
      handleStreamMessage.call(this, frame);
      return;
    }
    const request = parseSelectRequest(asBytes(data), handled());
    if (!request) {
      handleStreamMessage.call(this, frame);
      return;
    }
    arriving = { id: header.streamID, protocol: request.protocol };
    try {
      // The header's length still counts the request: both windows stay in step.
      handleStreamMessage.call(this, { header, data: request.rest });
    } finally {
      arriving = undefined;
    }
  };
  m.onRemoteStream = function (stream) {
    if (arriving?.id === stream.streamId) {
      assertStream(stream);
      stream.protocol = arriving.protocol;
      // The echo goes before libp2p sees the stream, so it precedes anything a handler sends;
      // it carries the ACK.
      stream.send(selectRequest(arriving.protocol));
    }
    onRemoteStream.call(this, stream);
  };
}

function openOptimistically(stream: YamuxStreamInternals, protocol: string): void {
  assertStream(stream);
  const request = selectRequest(protocol);
  stream.protocol = protocol;
  stream.writeBuffer.append(request);
  // Yamux opens a stream with a window update carrying SYN, a microtask after creating it. Held
  // back, the SYN goes with the first data frame instead: the request and what follows it.
  // Until then the stream is in Yamux's first state, which a pause would overwrite: the request
  // goes first.
  const { sendWindowUpdate, sendPause, handleData, handleWindowUpdate } = stream;
  stream.sendWindowUpdate = function () {
    if (this.state !== yamuxState.init) sendWindowUpdate.call(this);
  };
  stream.sendPause = function () {
    if (this.state === yamuxState.init) this.processSendQueue();
    sendPause.call(this);
  };
  setImmediate(() => {
    if (stream.state === yamuxState.init) stream.processSendQueue();
  });
  // The echo, taken off the front of what arrives until it is all here and checked.
  let echo: Uint8Array | undefined = new Uint8Array(0);
  const refuse = (why: string) => {
    echo = undefined;
    const error = new UnsupportedProtocolError(`protocol ${protocol}: ${why}`);
    refusals.set(stream, error);
    stream.abort(error);
  };
  stream.handleData = function (frame) {
    if (echo === undefined || !frame.data) {
      handleData.call(this, frame);
      return;
    }
    const bytes = asBytes(frame.data);
    const want = request.byteLength - echo.byteLength;
    const got =
      echo.byteLength === 0
        ? bytes.subarray(0, want)
        : Buffer.concat([echo, bytes.subarray(0, want)]);
    if (!startsWith(request, got)) {
      refuse(`the peer answered ${JSON.stringify(new TextDecoder().decode(got))}`);
      return;
    }
    echo = got.byteLength === request.byteLength ? undefined : got;
    if (echo !== undefined && frame.header.flag & (yamuxFlag.fin | yamuxFlag.rst)) {
      refuse('the peer closed the stream before selecting it');
      return;
    }
    handleData.call(this, { header: frame.header, data: bytes.subarray(want) });
  };
  stream.handleWindowUpdate = function (frame) {
    if (echo !== undefined && frame.header.flag & yamuxFlag.fin) {
      refuse('the peer closed the stream before selecting it');
      return;
    }
    handleWindowUpdate.call(this, frame);
  };
}

function assertStream(
  stream: Partial<YamuxStreamInternals>,
): asserts stream is YamuxStreamInternals {
  if (
    typeof stream.sendWindowUpdate !== 'function' ||
    typeof stream.sendPause !== 'function' ||
    typeof stream.handleData !== 'function' ||
    typeof stream.handleWindowUpdate !== 'function' ||
    typeof stream.processSendQueue !== 'function' ||
    typeof stream.writeBuffer?.append !== 'function' ||
    typeof stream.state !== 'number'
  ) {
    throw new TypeError(
      'libp2p-yamux: its stream no longer has sendWindowUpdate(), sendPause(), handleData(), ' +
        'handleWindowUpdate(), processSendQueue(), a write buffer and a state',
    );
  }
}

function asBytes(data: Uint8Array | { subarray(): Uint8Array }): Uint8Array {
  return data instanceof Uint8Array ? data : data.subarray();
}

function startsWith(whole: Uint8Array, part: Uint8Array): boolean {
  for (let i = 0; i < part.byteLength; i++) if (whole[i] !== part[i]) return false;
  return true;
}
