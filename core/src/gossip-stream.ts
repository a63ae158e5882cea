/**
 * Raw byte streams between admitted peers (the mesh's TCP tunnels): the types the Gossip port
 * adds for them, their limits, and the bookkeeping both implementations share — streams per peer
 * and an idle deadline on the injected Clock.
 *
 *   gossip.handleStream('/wisp/v1/mesh/tcp', (stream, from) => pipe(stream, socket));
 *   const stream = await gossip.openStream(peer, '/wisp/v1/mesh/tcp', { timeoutMs: 5000 });
 *   await stream.send(bytes);           // resolves when the peer's window has room
 *   await stream.close();               // half-close: the peer's reads end, ours go on
 *   for await (const chunk of stream) write(chunk);
 */
import type { Clock, TimerHandle } from './clock.ts';
import { WispError } from './errors.ts';
import type { ByteStream } from './gossip-host.ts';

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
  #writeClosed = false;
  #readEnded = false;
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

  async send(data: Uint8Array): Promise<void> {
    this.#touch();
    await this.#inner.send(data);
    this.#touch();
  }

  async close(): Promise<void> {
    this.#writeClosed = true;
    try {
      await this.#inner.close();
    } finally {
      if (this.#readEnded) this.#finish();
    }
  }

  abort(error: Error): void {
    this.#abortedWith ??= error;
    this.#finish();
    this.#inner.abort(error);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    try {
      for await (const chunk of this.#inner) {
        this.#touch();
        yield chunk;
      }
    } catch (e) {
      this.#finish();
      throw this.#abortedWith ?? e;
    }
    // Transports differ in how an aborted stream's reads end; ours always fail with the reason.
    if (this.#abortedWith) throw this.#abortedWith;
    this.#readEnded = true;
    if (this.#writeClosed) this.#finish();
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
