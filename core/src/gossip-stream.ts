/**
 * Raw byte streams between admitted peers (the mesh's TCP tunnels): the types the Gossip port
 * adds for them, their limits, and the bookkeeping both implementations share — streams per peer
 * and an idle deadline on the injected Clock.
 *
 *   gossip.handleStream('/wisp/v1/mesh/tcp', (stream, from) => splice(stream, socket));
 *   const stream = await gossip.openStream(peer, '/wisp/v1/mesh/tcp', { timeoutMs: 5000 });
 *   await sendAll(stream, bytes);       // waits while the peer's window is full
 *   await stream.close();               // half-close: the peer's reads end, ours go on
 *   for await (const chunk of streamChunks(stream)) write(chunk);
 */
import type { Clock, TimerHandle } from './clock.ts';
import { WispError } from './errors.ts';
import type { ByteSink, ByteStream } from './byte-stream.ts';

/** One duplex stream on an admitted connection. */
export interface GossipStream extends ByteStream {
  /** The peer at the other end. */
  readonly peer: string;
  readonly protocol: string;
}

/** Runs for every inbound stream on the protocol, once the peer is admitted. */
export type GossipStreamHandler = (stream: GossipStream, from: string) => void;

export interface StreamOptions {
  /** How long opening may take; defaults to the implementation's `requestTimeoutMs`. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * For protocols where the opener speaks first: the stream opens without waiting for the peer
   * to confirm the protocol, whose request leaves with the first bytes sent. A peer without a
   * handler then ends the stream with `GossipNoHandlerError` rather than `openStream` rejecting
   * (an implementation may still reject, as the in-memory network does).
   */
  readonly optimistic?: boolean;
}

export interface GossipStreamLimits {
  /** Open streams (both directions) with one peer; more are refused. */
  readonly streamsPerPeerMax: number;
  /** A stream with no bytes either way for this long is aborted. */
  readonly streamIdleTimeoutMs: number;
}

export const gossipStreamDefaults: GossipStreamLimits = {
  streamsPerPeerMax: 1024,
  streamIdleTimeoutMs: 5 * 60_000,
};

export function resolveStreamLimits(init: Partial<GossipStreamLimits>): GossipStreamLimits {
  const limits = {
    streamsPerPeerMax: init.streamsPerPeerMax ?? gossipStreamDefaults.streamsPerPeerMax,
    streamIdleTimeoutMs: init.streamIdleTimeoutMs ?? gossipStreamDefaults.streamIdleTimeoutMs,
  };
  for (const [key, v] of Object.entries(limits)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${key}: Invalid value: ${v}: must be a positive integer`);
    }
  }
  return limits;
}

/** Opening one more stream with a peer would pass `streamsPerPeerMax`. */
export class GossipStreamLimitError extends WispError {
  constructor(peer: string, streamsMax: number) {
    super('ERR_TOO_MANY_REQUESTS', `peer ${peer}: already ${streamsMax} open streams`);
  }
}

/** The stream carried nothing either way for `streamIdleTimeoutMs`. */
export class GossipStreamIdleError extends WispError {
  constructor(peer: string, protocol: string, idleMs: number) {
    super('ERR_TIMEOUT', `stream ${protocol} with ${peer}: idle for ${idleMs} ms`);
  }
}

/**
 * Counts open streams per peer and aborts idle ones. `track` wraps a transport stream; the
 * count drops once both directions ended, or on an abort or a read error.
 */
export class StreamTracker {
  readonly #limits: GossipStreamLimits;
  readonly #clock: Clock;
  readonly #open = new Map<string, Set<TrackedStream>>();

  constructor(limits: GossipStreamLimits, clock: Clock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Whether one more stream with `peer` fits. */
  hasRoom(peer: string): boolean {
    return (this.#open.get(peer)?.size ?? 0) < this.#limits.streamsPerPeerMax;
  }

  assertRoom(peer: string): void {
    if (!this.hasRoom(peer)) throw new GossipStreamLimitError(peer, this.#limits.streamsPerPeerMax);
  }

  openCount(peer: string): number {
    return this.#open.get(peer)?.size ?? 0;
  }

  track(inner: ByteStream, peer: string, protocol: string): GossipStream {
    const set = this.#open.get(peer) ?? new Set();
    this.#open.set(peer, set);
    const tracked = new TrackedStream(inner, peer, protocol, {
      clock: this.#clock,
      idleMs: this.#limits.streamIdleTimeoutMs,
      onFinished: () => {
        set.delete(tracked);
        if (set.size === 0 && this.#open.get(peer) === set) this.#open.delete(peer);
      },
    });
    set.add(tracked);
    return tracked;
  }

  /** Aborts every stream with `peer` (it disconnected) or, without one, every stream. */
  abortAll(error: Error, peer?: string): void {
    const sets = peer === undefined ? [...this.#open.values()] : [this.#open.get(peer)];
    for (const set of sets) for (const s of [...(set ?? [])]) s.abort(error);
  }
}

interface TrackedContext {
  readonly clock: Clock;
  readonly idleMs: number;
  readonly onFinished: () => void;
}

class TrackedStream implements GossipStream {
  readonly peer: string;
  readonly protocol: string;
  readonly #inner: ByteStream;
  readonly #ctx: TrackedContext;
  #lastActiveMs: number;
  #timer: TimerHandle | undefined;
  #sink: ByteSink | undefined;
  /** How the reads ended, once they did: kept for a sink that takes over afterwards. */
  #ended: { readonly error?: Error } | undefined;
  #writeClosed = false;
  #finished = false;
  #abortedWith: Error | undefined;

  constructor(inner: ByteStream, peer: string, protocol: string, ctx: TrackedContext) {
    this.#inner = inner;
    this.peer = peer;
    this.protocol = protocol;
    this.#ctx = ctx;
    this.#lastActiveMs = ctx.clock.monotonic();
    this.#arm(ctx.idleMs);
  }

  send(data: Uint8Array): boolean {
    this.#touch();
    return this.#inner.send(data);
  }

  onDrain(): Promise<void> {
    return this.#inner.onDrain();
  }

  read(sink: ByteSink): void {
    const first = this.#sink === undefined;
    this.#sink = sink;
    if (this.#ended) sink.end(this.#ended.error);
    else if (first) this.#inner.read({ data: (c) => this.#data(c), end: (e) => this.#end(e) });
  }

  pause(): void {
    this.#inner.pause();
  }

  resume(): void {
    this.#inner.resume();
  }

  async close(): Promise<void> {
    this.#writeClosed = true;
    try {
      await this.#inner.close();
    } finally {
      if (this.#ended && !this.#ended.error) this.#finish();
    }
  }

  abort(error: Error): void {
    this.#abortedWith ??= error;
    this.#finish();
    this.#inner.abort(error);
    // Transports differ in how an aborted stream's reads end; ours always fail with the reason.
    this.#end(error);
  }

  #data(chunk: Uint8Array): void {
    if (this.#ended) return;
    this.#touch();
    this.#sink!.data(chunk);
  }

  #end(error: Error | undefined): void {
    if (this.#ended) return;
    const failed = this.#abortedWith ?? error;
    this.#ended = failed ? { error: failed } : {};
    if (failed || this.#writeClosed) this.#finish();
    this.#sink?.end(failed);
  }

  #touch(): void {
    this.#lastActiveMs = this.#ctx.clock.monotonic();
  }

  /** One timer per idle period, not per chunk: on firing it checks the last activity. */
  #arm(ms: number): void {
    this.#timer = this.#ctx.clock.setTimeout(() => {
      if (this.#finished) return;
      const idle = this.#ctx.clock.monotonic() - this.#lastActiveMs;
      if (idle >= this.#ctx.idleMs) {
        this.abort(new GossipStreamIdleError(this.peer, this.protocol, this.#ctx.idleMs));
      } else {
        this.#arm(this.#ctx.idleMs - idle);
      }
    }, ms);
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#ctx.clock.clearTimeout(this.#timer);
    this.#ctx.onFinished();
  }
}
