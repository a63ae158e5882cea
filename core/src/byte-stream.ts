/**
 * `ByteStream`: one bidirectional stream of bytes between two peers, in the shape libp2p 3's own
 * streams have — `send` says whether there is room and `onDrain` when there is again; what
 * arrives is pushed to a sink, with `pause`/`resume` as backpressure. The mesh splices a socket
 * straight onto it (a chunk read is a chunk sent, no promise in between: measured on
 * bench/mesh-overhead, reading through three stacked async iterators cost a sixth of a proxied
 * request); request/response code reads it as an async iterable through `streamChunks`.
 *
 *   stream.read({ data: (c) => socket.write(c) || stream.pause(), end: (e) => socket.end() });
 *   socket.on('drain', () => stream.resume());
 *   if (!stream.send(bytes)) await stream.onDrain();
 *   for await (const chunk of streamChunks(stream)) ...
 */

/** Where a stream's incoming bytes go. */
export interface ByteSink {
  /** The next chunk, in order. */
  data(chunk: Uint8Array): void;
  /**
   * Nothing more will arrive: the remote closed its side (no error), or the stream was reset or
   * aborted, either side (the error). Called once.
   */
  end(error?: Error): void;
}

export interface ByteStream {
  /**
   * Queues the bytes to send; false once the send buffer is full: wait for `onDrain` before
   * sending more. Throws if this side was closed or the stream broke.
   */
  send(data: Uint8Array): boolean;
  /** Resolves once the send buffer has room (at once if it has); rejects if the stream broke. */
  onDrain(): Promise<void>;
  /**
   * Sends what arrives, from now on, to `sink`. Bytes that came before the first call wait for
   * it; a later call hands the rest of the stream to another sink (a header reader handing over
   * to a splice).
   */
  read(sink: ByteSink): void;
  /** Holds incoming bytes back (the peer's window fills and it stops) until `resume`. */
  pause(): void;
  resume(): void;
  /** Closes the writing side; the remote sees the end of its reads. */
  close(): Promise<void>;
  /** Resets both sides at once, discarding anything unsent. */
  abort(error: Error): void;
}

/** Sends `data`, waiting for room in the send buffer first if the last send filled it. */
export async function sendAll(stream: ByteStream, data: Uint8Array): Promise<void> {
  if (!stream.send(data)) await stream.onDrain();
}

/** Chunks a `streamChunks` reader holds before it pauses the stream. */
export const streamChunksBufferedMax = 16;

/**
 * The stream's incoming bytes as an async iterable: ends when the remote closes its side, throws
 * when the stream breaks. At most `streamChunksBufferedMax` chunks wait unread; beyond that the
 * stream is paused until the reader catches up.
 */
export async function* streamChunks(stream: ByteStream): AsyncGenerator<Uint8Array> {
  const queue: Uint8Array[] = [];
  let ended = false;
  let failed: Error | undefined;
  let paused = false;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.read({
    data(chunk) {
      queue.push(chunk);
      if (queue.length >= streamChunksBufferedMax && !paused) {
        paused = true;
        stream.pause();
      }
      poke();
    },
    end(error) {
      ended = true;
      failed = error;
      poke();
    },
  });
  for (;;) {
    const chunk = queue.shift();
    if (chunk) {
      if (paused && queue.length < streamChunksBufferedMax / 2) {
        paused = false;
        stream.resume();
      }
      yield chunk;
      continue;
    }
    if (failed) throw failed;
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}
