/**
 * wasi:io 0.2 (error, poll, streams) for one instance, synchronous as jco's generated bindings
 * call it. Every other interface (filesystem, cli, http bodies) builds its streams from these
 * classes, so a stream handed out by one interface is accepted by another.
 *
 *   const out = outputToSink((chunk) => log(chunk));
 *   const body = inputFromBytes(new TextEncoder().encode('hi'));
 *   out.blockingSplice(body, 1024n);
 *
 * Stream errors are thrown as plain variant values (`{ tag: 'closed' }`,
 * `{ tag: 'last-operation-failed', val: IoError }`): jco turns a thrown non-Error value into the
 * `err` case of the result, while a thrown `Error` traps the guest.
 */

/** How much a caller may write before it must check again (the guest writes in chunks). */
export const writeBudgetBytes = 1024 * 1024;
/** The most one read returns; larger requests are served in several reads. */
export const readChunkBytesMax = 64 * 1024;
/** How long `poll` sleeps between checks when no pollable can say when it will be ready. */
const pollSliceMs = 2;

export type StreamError = { tag: 'closed' } | { tag: 'last-operation-failed'; val: IoError };

/** wasi:io/error `error` resource. */
export class IoError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
  toDebugString(): string {
    return this.message;
  }
}

export const closedError = (): StreamError => ({ tag: 'closed' });
export const failedError = (message: string): StreamError => ({
  tag: 'last-operation-failed',
  val: new IoError(message),
});

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the calling thread; allowed in workers, which is where instances run. */
export function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
}

export interface PollableSource {
  ready(): boolean;
  /** Milliseconds until it may become ready; Infinity when it cannot tell. */
  waitMs?(): number;
  /** Blocks until ready; defaults to sleeping on `waitMs` until `ready()`. */
  block?(): void;
}

/** wasi:io/poll `pollable` resource. */
export class Pollable {
  readonly #source: PollableSource;
  constructor(source: PollableSource) {
    this.#source = source;
  }
  ready(): boolean {
    return this.#source.ready();
  }
  block(): void {
    if (this.#source.block) return this.#source.block();
    while (!this.#source.ready()) sleepMs(Math.min(this.waitMs(), 1000));
  }
  waitMs(): number {
    if (this.#source.ready()) return 0;
    const ms = this.#source.waitMs?.() ?? Infinity;
    return Number.isFinite(ms) ? Math.max(ms, 0) : pollSliceMs;
  }
}

export const readyPollable = (): Pollable => new Pollable({ ready: () => true });

/** wasi:io/poll `poll`: indices of the ready pollables, blocking until at least one is. */
export function poll(list: Pollable[]): Uint32Array {
  if (list.length === 0) throw new Error('wasi:io/poll: poll called with an empty list');
  if (list.length === 1) {
    list[0]!.block();
    return Uint32Array.of(0);
  }
  for (;;) {
    const ready: number[] = [];
    list.forEach((p, i) => {
      if (p.ready()) ready.push(i);
    });
    if (ready.length > 0) return Uint32Array.from(ready);
    sleepMs(Math.max(1, Math.min(...list.map((p) => p.waitMs()))));
  }
}

/** Where an InputStream gets its bytes; `undefined` is the end of the stream. */
export type Pull = (maxBytes: number) => Uint8Array | undefined;

const clampLen = (len: bigint): number =>
  Number(len > BigInt(readChunkBytesMax) ? readChunkBytesMax : len);

/** wasi:io/streams `input-stream`. Reads block inside `pull` when it has to wait. */
export class InputStream {
  readonly #pull: Pull;
  readonly #onClose: (() => void) | undefined;
  #buffer: Uint8Array = new Uint8Array(0);
  #ended = false;
  #disposed = false;

  constructor(pull: Pull, onClose?: () => void) {
    this.#pull = pull;
    this.#onClose = onClose;
  }

  read(len: bigint): Uint8Array {
    const max = clampLen(len);
    if (this.#buffer.length === 0 && !this.#ended) this.#fill(max);
    if (this.#buffer.length === 0 && this.#ended) throw closedError();
    const out = this.#buffer.subarray(0, max);
    this.#buffer = this.#buffer.subarray(out.length);
    return out.slice();
  }

  blockingRead(len: bigint): Uint8Array {
    return this.read(len);
  }

  skip(len: bigint): bigint {
    return BigInt(this.read(len).length);
  }

  blockingSkip(len: bigint): bigint {
    return this.skip(len);
  }

  subscribe(): Pollable {
    return readyPollable();
  }

  /** True once every byte has been read. */
  get finished(): boolean {
    return this.#ended && this.#buffer.length === 0;
  }

  [Symbol.dispose](): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#onClose?.();
  }

  #fill(max: number): void {
    try {
      const chunk = this.#pull(max);
      if (chunk === undefined) this.#ended = true;
      else this.#buffer = chunk;
    } catch (err) {
      if (isStreamError(err)) throw err;
      this.#ended = true;
      throw failedError(err instanceof Error ? err.message : String(err));
    }
  }
}

function isStreamError(err: unknown): err is StreamError {
  const tag = (err as { tag?: unknown } | null)?.tag;
  return tag === 'closed' || tag === 'last-operation-failed';
}

export function inputFromBytes(bytes: Uint8Array): InputStream {
  let rest: Uint8Array | undefined = bytes;
  return new InputStream((max) => {
    if (rest === undefined || rest.length === 0) return undefined;
    const chunk = rest.subarray(0, max);
    rest = rest.subarray(chunk.length);
    return chunk;
  });
}

export function inputFromPull(pull: Pull, onClose?: () => void): InputStream {
  return new InputStream(pull, onClose);
}

export interface Sink {
  (chunk: Uint8Array): void;
}

/** wasi:io/streams `output-stream`. The sink is synchronous; a throwing sink fails the write. */
export class OutputStream {
  readonly #sink: Sink;
  readonly #onClose: (() => void) | undefined;
  #failed: StreamError | undefined;
  #disposed = false;

  constructor(sink: Sink, onClose?: () => void) {
    this.#sink = sink;
    this.#onClose = onClose;
  }

  checkWrite(): bigint {
    if (this.#failed) throw this.#takeFailure();
    return BigInt(writeBudgetBytes);
  }

  write(b: Uint8Array): void {
    if (this.#failed) throw this.#takeFailure();
    if (b.length === 0) return;
    try {
      // Copy: the view may point into guest memory that changes after we return.
      this.#sink(b.slice());
    } catch (err) {
      if (isStreamError(err)) this.#failed = err;
      else this.#failed = failedError(err instanceof Error ? err.message : String(err));
      throw this.#takeFailure();
    }
  }

  blockingWriteAndFlush(b: Uint8Array): void {
    this.write(b);
    this.flush();
  }

  flush(): void {
    if (this.#failed) throw this.#takeFailure();
  }

  blockingFlush(): void {
    this.flush();
  }

  writeZeroes(n: bigint): void {
    this.write(new Uint8Array(Number(n)));
  }

  blockingWriteZeroesAndFlush(n: bigint): void {
    this.blockingWriteAndFlush(new Uint8Array(Number(n)));
  }

  splice(src: InputStream, len: bigint): bigint {
    if (this.#failed) throw this.#takeFailure();
    const chunk = src.read(len);
    this.write(chunk);
    return BigInt(chunk.length);
  }

  blockingSplice(src: InputStream, len: bigint): bigint {
    return this.splice(src, len);
  }

  subscribe(): Pollable {
    return readyPollable();
  }

  [Symbol.dispose](): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#onClose?.();
  }

  /** A failed stream reports last-operation-failed once, then closed (as the spec says). */
  #takeFailure(): StreamError {
    const failure = this.#failed ?? closedError();
    this.#failed = closedError();
    return failure;
  }
}

export function outputToSink(sink: Sink, onClose?: () => void): OutputStream {
  return new OutputStream(sink, onClose);
}

/** The wasi:io import interfaces, keyed by interface name without package or version. */
export function ioInterfaces(): Record<string, Record<string, unknown>> {
  return {
    error: { Error: IoError },
    poll: { Pollable, poll },
    streams: { InputStream, OutputStream },
  };
}
