/**
 * An open tunnel: the stream to the other agent once the header exchange is done, and the
 * payload bytes that arrived with the header. The stream is paused until a reader takes it
 * over, so nothing passes those bytes.
 *
 *   tunnel.read({ data: (c) => socket.write(c), end: () => socket.end() });
 */
import type { Duplex } from 'node:stream';
import type { ByteSink, GossipStream } from '@wisp/core';
import { GossipStreamDuplex } from './stream-duplex.ts';

export class Tunnel {
  readonly stream: GossipStream;
  readonly #rest: Uint8Array;

  constructor(stream: GossipStream, rest: Uint8Array) {
    this.stream = stream;
    this.#rest = rest;
  }

  /**
   * Hands what arrives to `sink`, starting with the bytes that came with the header, and
   * resumes the stream unless `sink` paused it while taking them.
   */
  read(sink: ByteSink, paused: () => boolean): void {
    if (this.#rest.byteLength > 0) sink.data(this.#rest);
    // The stream stays paused until here, so the rest comes first; an end that came with the
    // header reaches `sink` now.
    this.stream.read(sink);
    if (!paused()) this.stream.resume();
  }
}

/** What a connection to an endpoint is: a local pod's socket, or a tunnel to its node. */
export type Upstream = Duplex | Tunnel;

/** The upstream as a socket-like Duplex, for `http.request` and the like. */
export function asDuplex(upstream: Upstream): Duplex {
  return upstream instanceof Tunnel ? new GossipStreamDuplex(upstream) : upstream;
}
