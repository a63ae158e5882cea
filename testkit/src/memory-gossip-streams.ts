/**
 * Streams between MemoryGossip nodes: open/accept as protocol negotiation, ordered data with a
 * per-stream send window (a sender waits once `windowBytesMax` is unread at the other end, as
 * yamux does), half-close and reset; admission, `streamsPerPeerMax` and the idle deadline come
 * from core's `StreamTracker`, as on the libp2p side.
 */
import {
  ClosedError,
  GossipNoHandlerError,
  GossipPeerUnreachableError,
  GossipRequestTimeoutError,
  StreamTracker,
  type ByteSink,
  type ByteStream,
  type Clock,
  type GossipStream,
  type GossipStreamHandler,
  type GossipStreamLimits,
  type StreamOptions,
  type Unsubscribe,
} from '@wisp/core';
import type { StreamPacket } from './memory-gossip-network.ts';

/** Unread bytes a sender may have in flight on one stream. */
export const memoryStreamWindowBytesMax = 256 * 1024;

export interface MemoryStreamsContext {
  readonly peerId: string;
  readonly clock: Clock;
  readonly limits: GossipStreamLimits;
  readonly openTimeoutMs: number;
  readonly send: (to: string, packet: StreamPacket) => void;
  readonly running: () => boolean;
  readonly reachable: (peer: string) => boolean;
  readonly decided: (peer: string) => Promise<boolean>;
}

interface Opening {
  readonly end: MemoryStreamEnd;
  readonly protocol: string;
  settle(e?: Error): void;
}

export class MemoryStreams {
  readonly #ctx: MemoryStreamsContext;
  readonly #tracker: StreamTracker;
  readonly #handlers = new Map<string, GossipStreamHandler>();
  readonly #ends = new Map<string, MemoryStreamEnd>();
  readonly #opening = new Map<string, Opening>();
  #seq = 0;

  constructor(ctx: MemoryStreamsContext) {
    this.#ctx = ctx;
    this.#tracker = new StreamTracker(ctx.limits, ctx.clock);
  }

  handle(protocol: string, handler: GossipStreamHandler): Unsubscribe {
    this.#handlers.set(protocol, handler);
    return () => {
      if (this.#handlers.get(protocol) === handler) this.#handlers.delete(protocol);
    };
  }

  open(peer: string, protocol: string, options: StreamOptions = {}): Promise<GossipStream> {
    if (!this.#ctx.running()) throw new ClosedError('gossip: openStream on a stopped node');
    if (!this.#ctx.reachable(peer)) throw new GossipPeerUnreachableError(peer, 'not connected');
    this.#tracker.assertRoom(peer);
    const key = `${this.#ctx.peerId}#${++this.#seq}`;
    const end = this.#end(key, peer);
    const timeoutMs = options.timeoutMs ?? this.#ctx.openTimeoutMs;
    return new Promise<GossipStream>((resolve, reject) => {
      const onAbort = (): void => settle(options.signal?.reason);
      const timer = this.#ctx.clock.setTimeout(
        () => settle(new GossipRequestTimeoutError(peer, protocol, timeoutMs)),
        timeoutMs,
      );
      const settle = (e?: Error): void => {
        this.#ctx.clock.clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (!this.#opening.delete(key)) return;
        if (e) {
          end.abort(e);
          return reject(e);
        }
        resolve(this.#tracker.track(end, peer, protocol));
      };
      this.#opening.set(key, { end, protocol, settle });
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#ctx.send(peer, { type: 'stream', key, op: 'open', protocol });
    });
  }

  receive(packet: StreamPacket, from: string): void {
    if (packet.op === 'open') return this.#inbound(packet.key, packet.protocol, from);
    const opening = this.#opening.get(packet.key);
    if (opening && packet.op === 'accept') return opening.settle();
    if (opening && packet.op === 'no-handler') {
      return opening.settle(new GossipNoHandlerError(from, opening.protocol));
    }
    if (opening && packet.op === 'reset') {
      return opening.settle(new GossipPeerUnreachableError(from, 'stream reset'));
    }
    const end = this.#ends.get(packet.key);
    if (!end || end.peer !== from) return;
    if (packet.op === 'data') end.deliver(packet.data);
    else if (packet.op === 'ack') end.acked(packet.bytes);
    else if (packet.op === 'end') end.remoteEnded();
    else if (packet.op === 'reset') end.remoteReset();
  }

  /** The link to `peer` went down (or, without one, this node stopped): every stream breaks. */
  abortAll(error: Error, peer?: string): void {
    for (const end of [...this.#ends.values()]) {
      if (peer === undefined || end.peer === peer) end.broken(error);
    }
    for (const o of [...this.#opening.values()]) {
      if (peer === undefined || o.end.peer === peer) o.settle(error);
    }
  }

  #inbound(key: string, protocol: string, from: string): void {
    const handler = this.#handlers.get(protocol);
    if (!handler) return this.#ctx.send(from, { type: 'stream', key, op: 'no-handler' });
    const end = this.#end(key, from);
    this.#ctx.send(from, { type: 'stream', key, op: 'accept' });
    void this.#ctx.decided(from).then((ok) => {
      const current = this.#handlers.get(protocol);
      if (!ok || !current || !this.#tracker.hasRoom(from) || !this.#ctx.running()) {
        return end.abort(new Error(`${protocol}: refused`));
      }
      try {
        current(this.#tracker.track(end, from, protocol), from);
      } catch (e) {
        end.abort(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  #end(key: string, peer: string): MemoryStreamEnd {
    const end = new MemoryStreamEnd(key, peer, {
      send: (packet) => this.#ctx.send(peer, packet),
      gone: () => this.#ends.delete(key),
    });
    this.#ends.set(key, end);
    return end;
  }
}

interface EndContext {
  send(packet: StreamPacket): void;
  gone(): void;
}

/** One side of a memory stream. */
class MemoryStreamEnd implements ByteStream {
  readonly peer: string;
  readonly #key: string;
  readonly #ctx: EndContext;
  /** Arrived and not yet handed to a sink: before the first `read`, or while paused. */
  readonly #chunks: Uint8Array[] = [];
  #sink: ByteSink | undefined;
  #paused = false;
  #drains: { resolve(): void; reject(e: Error): void }[] = [];
  #inFlightBytes = 0;
  #readDone = false;
  #endDelivered = false;
  #writeDone = false;
  #error: Error | undefined;

  constructor(key: string, peer: string, ctx: EndContext) {
    this.#key = key;
    this.peer = peer;
    this.#ctx = ctx;
  }

  send(data: Uint8Array): boolean {
    if (this.#error) throw this.#error;
    if (this.#writeDone) throw new ClosedError('stream: send after close');
    this.#inFlightBytes += data.byteLength;
    this.#ctx.send({ type: 'stream', key: this.#key, op: 'data', data: data.slice() });
    return this.#inFlightBytes <= memoryStreamWindowBytesMax;
  }

  onDrain(): Promise<void> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#inFlightBytes <= memoryStreamWindowBytesMax) return Promise.resolve();
    return new Promise((resolve, reject) => this.#drains.push({ resolve, reject }));
  }

  read(sink: ByteSink): void {
    this.#sink = sink;
    this.#endDelivered = false;
    this.#flush();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#flush();
  }

  async close(): Promise<void> {
    if (this.#writeDone || this.#error) return;
    this.#writeDone = true;
    this.#ctx.send({ type: 'stream', key: this.#key, op: 'end' });
    this.#maybeGone();
  }

  abort(error: Error): void {
    if (this.#error) return;
    this.#ctx.send({ type: 'stream', key: this.#key, op: 'reset' });
    this.broken(error);
  }

  deliver(data: Uint8Array): void {
    if (this.#readDone || this.#error) return;
    this.#chunks.push(data);
    this.#flush();
  }

  acked(bytes: number): void {
    this.#inFlightBytes -= bytes;
    if (this.#inFlightBytes <= memoryStreamWindowBytesMax) this.#settleDrains();
  }

  remoteEnded(): void {
    this.#readDone = true;
    this.#flush();
    this.#maybeGone();
  }

  remoteReset(): void {
    this.broken(new Error('stream reset by peer'));
  }

  broken(error: Error): void {
    if (this.#error) return;
    this.#error = error;
    // Unread bytes of a reset stream are discarded, as yamux does.
    this.#chunks.length = 0;
    this.#flush();
    this.#settleDrains();
    this.#ctx.gone();
  }

  /** Hands over what waits, acknowledging each chunk (the sender's window) as it is taken. */
  #flush(): void {
    while (this.#sink && !this.#paused && this.#chunks.length > 0) {
      const chunk = this.#chunks.shift()!;
      this.#ctx.send({ type: 'stream', key: this.#key, op: 'ack', bytes: chunk.byteLength });
      this.#sink.data(chunk);
    }
    const ended = this.#error !== undefined || (this.#readDone && this.#chunks.length === 0);
    if (this.#sink && ended && !this.#endDelivered) {
      this.#endDelivered = true;
      this.#sink.end(this.#error);
    }
  }

  #settleDrains(): void {
    const drains = this.#drains;
    this.#drains = [];
    for (const d of drains) {
      if (this.#error) d.reject(this.#error);
      else d.resolve();
    }
  }

  #maybeGone(): void {
    if (this.#readDone && this.#writeDone) this.#ctx.gone();
  }
}
