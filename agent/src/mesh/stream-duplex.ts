/**
 * A GossipStream as a Node Duplex, so a tunnel plugs into `pipe`, `http.request`'s
 * `createConnection` and sockets alike. Reads pull from the stream only while Node wants more
 * (backpressure toward the peer's window); writes resolve when the stream accepted them.
 * Ending our side half-closes the stream; destroying it early resets it.
 */
import { Duplex } from 'node:stream';
import type { GossipStream } from '@wisp/core';

export class GossipStreamDuplex extends Duplex {
  readonly #stream: GossipStream;
  readonly #it: AsyncIterator<Uint8Array>;
  #rest: Uint8Array | undefined;
  #pulling = false;
  #readEnded = false;
  #writeEnded = false;

  constructor(stream: GossipStream, it: AsyncIterator<Uint8Array>, rest?: Uint8Array) {
    super({ allowHalfOpen: true });
    this.#stream = stream;
    this.#it = it;
    this.#rest = rest && rest.byteLength > 0 ? rest : undefined;
  }

  override _read(): void {
    if (this.#pulling) return;
    this.#pulling = true;
    void this.#pull();
  }

  async #pull(): Promise<void> {
    try {
      if (this.#rest) {
        const rest = this.#rest;
        this.#rest = undefined;
        if (!this.push(rest)) return;
      }
      for (;;) {
        const next = await this.#it.next();
        if (next.done) {
          this.#readEnded = true;
          this.push(null);
          return;
        }
        if (!this.push(next.value)) return;
      }
    } catch (e) {
      this.destroy(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.#pulling = false;
    }
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.#stream.send(chunk).then(() => cb(), cb);
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
