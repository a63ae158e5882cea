/**
 * A tunnel as a Node Duplex, for code that wants a socket (`http.request`'s `createConnection`).
 * Reads pause the stream while Node's buffer is full (backpressure toward the peer's window);
 * writes complete when the stream has room. Ending our side half-closes the stream; destroying
 * it early resets it. A NodePort splices a tunnel directly (socket-splice.ts) instead.
 */
import { Duplex } from 'node:stream';
import type { GossipStream } from '@wisp/core';
import type { Tunnel } from './tunnel.ts';

export class GossipStreamDuplex extends Duplex {
  readonly #tunnel: Tunnel;
  readonly #stream: GossipStream;
  #reading = false;
  #paused = false;
  #readEnded = false;
  #writeEnded = false;

  constructor(tunnel: Tunnel) {
    super({ allowHalfOpen: true });
    this.#tunnel = tunnel;
    this.#stream = tunnel.stream;
  }

  override _read(): void {
    if (!this.#reading) {
      this.#reading = true;
      const sink = { data: (c: Uint8Array) => this.#data(c), end: (e?: Error) => this.#end(e) };
      this.#tunnel.read(sink, () => this.#paused);
    } else if (this.#paused) {
      this.#paused = false;
      this.#stream.resume();
    }
  }

  #data(chunk: Uint8Array): void {
    if (!this.push(chunk) && !this.#paused) {
      this.#paused = true;
      this.#stream.pause();
    }
  }

  #end(error: Error | undefined): void {
    this.#readEnded = true;
    if (error) this.destroy(error);
    else this.push(null);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    let room: boolean;
    try {
      room = this.#stream.send(chunk);
    } catch (e) {
      cb(e as Error);
      return;
    }
    if (room) cb();
    else this.#stream.onDrain().then(() => cb(), cb);
  }

  // Socket methods node:http's Agent calls on the connections it keeps. A tunnel rides the
  // libp2p connection, which holds the process open or not on its own.
  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.#writeEnded = true;
    this.#stream.close().then(() => cb(), cb);
  }

  override _destroy(error: Error | null, cb: (e?: Error | null) => void): void {
    if (!(this.#readEnded && this.#writeEnded)) {
      this.#stream.abort(error ?? new Error('tunnel closed before both sides ended'));
    }
    cb(error);
  }
}
