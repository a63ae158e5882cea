/**
 * wasi:http bodies over the io.ts streams. Bodies are whole byte arrays here: the parent
 * buffers a request body (under a cap) before dispatching it, and a guest's outgoing body is
 * collected (under a cap) until `finish`. Trailers are accepted and ignored.
 */
import {
  InputStream,
  OutputStream,
  failedError,
  inputFromBytes,
  outputToSink,
  readyPollable,
  type Pollable,
} from '../host/wasi/io.ts';
import type { Fields } from './fields.ts';
import type { ErrorCode } from './error-code.ts';

/** `result` with no error payload, as jco lowers it when returned instead of thrown. */
export const errNoPayload = { tag: 'err', val: undefined } as const;

export class FutureTrailers {
  #taken = false;
  subscribe(): Pollable {
    return readyPollable();
  }
  get(): { tag: 'ok' | 'err'; val: unknown } {
    if (this.#taken) return errNoPayload;
    this.#taken = true;
    return { tag: 'ok', val: { tag: 'ok', val: undefined } };
  }
}

export class IncomingBody {
  readonly #bytes: Uint8Array;
  #stream: InputStream | undefined;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  stream(): InputStream | typeof errNoPayload {
    if (this.#stream) return errNoPayload;
    this.#stream = inputFromBytes(this.#bytes);
    return this.#stream;
  }

  static finish(_body: IncomingBody): FutureTrailers {
    return new FutureTrailers();
  }
}

/** The collected bytes of an outgoing body, and whether the guest finished it. */
export class BodyCollector {
  readonly #chunks: Uint8Array[] = [];
  readonly #bytesMax: number;
  #size = 0;
  overflowed = false;
  finished = false;

  constructor(bytesMax: number) {
    this.#bytesMax = bytesMax;
  }

  push(chunk: Uint8Array): void {
    if (this.finished) throw failedError('body already finished');
    if (this.#size + chunk.length > this.#bytesMax) {
      this.overflowed = true;
      throw failedError(`body exceeds ${this.#bytesMax} bytes`);
    }
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  get size(): number {
    return this.#size;
  }

  /** A fresh array that owns its whole buffer, so it can be transferred to the parent. */
  bytes(): Uint8Array {
    if (this.#chunks.length === 1) return this.#chunks[0]!;
    const out = new Uint8Array(this.#size);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

export class OutgoingBody {
  readonly collector: BodyCollector;
  readonly #onFinish: (() => void) | undefined;
  readonly #sizeError: (size: bigint) => ErrorCode;
  #stream: OutputStream | undefined;

  constructor(
    collector: BodyCollector,
    sizeError: (size: bigint) => ErrorCode,
    onFinish?: () => void,
  ) {
    this.collector = collector;
    this.#sizeError = sizeError;
    this.#onFinish = onFinish;
  }

  write(): OutputStream | typeof errNoPayload {
    if (this.#stream) return errNoPayload;
    this.#stream = outputToSink((chunk) => this.collector.push(chunk));
    return this.#stream;
  }

  static finish(body: OutgoingBody, _trailers: Fields | undefined): void {
    if (body.collector.overflowed) throw body.#sizeError(BigInt(body.collector.size));
    body.collector.finished = true;
    body.#onFinish?.();
  }
}
