/**
 * Stream protocols for `createHostedGossip`: the transport's streams, admitted, counted and
 * idle-limited by a `StreamTracker`. Kept apart from request/response so the hosted gossip stays
 * one concept per file.
 */
import type { Clock } from './clock.ts';
import { ClosedError } from './errors.ts';
import { clockDeadline, streamFailure, untilAborted } from './gossip-deadline.ts';
import { GossipPeerUnreachableError } from './gossip-errors.ts';
import type { GossipHost } from './gossip-host.ts';
import {
  StreamTracker,
  type GossipStream,
  type GossipStreamHandler,
  type GossipStreamLimits,
  type StreamOptions,
} from './gossip-stream.ts';
import type { Unsubscribe } from './gossip.ts';

export interface HostedStreamsContext {
  readonly host: GossipHost;
  readonly clock: Clock;
  readonly limits: GossipStreamLimits;
  readonly openTimeoutMs: number;
  readonly running: () => boolean;
  readonly admitted: (peer: string) => boolean;
  /** Resolves once `peer`'s admission is decided (true: admitted). */
  readonly decided: (peer: string) => Promise<boolean>;
  readonly onError?: (e: unknown) => void;
}

export class HostedStreams {
  readonly #ctx: HostedStreamsContext;
  readonly #tracker: StreamTracker;
  readonly #handlers = new Map<string, GossipStreamHandler>();

  constructor(ctx: HostedStreamsContext) {
    this.#ctx = ctx;
    this.#tracker = new StreamTracker(ctx.limits, ctx.clock);
  }

  protocols(): string[] {
    return [...this.#handlers.keys()];
  }

  has(protocol: string): boolean {
    return this.#handlers.has(protocol);
  }

  handle(protocol: string, handler: GossipStreamHandler): Unsubscribe {
    const fresh = !this.#handlers.has(protocol);
    this.#handlers.set(protocol, handler);
    if (fresh && this.#ctx.running()) {
      void this.register(protocol).catch((e) => this.#ctx.onError?.(e));
    }
    return () => {
      if (this.#handlers.get(protocol) !== handler) return;
      this.#handlers.delete(protocol);
      if (this.#ctx.running()) {
        void this.#ctx.host.unhandle(protocol).catch((e) => this.#ctx.onError?.(e));
      }
    };
  }

  async register(protocol: string): Promise<void> {
    await this.#ctx.host.handle(protocol, (stream, peer) => {
      void this.#ctx.decided(peer).then((ok) => {
        const handler = this.#handlers.get(protocol);
        if (!ok || !handler || !this.#tracker.hasRoom(peer)) {
          stream.abort(new Error(`${protocol}: refused`));
          return;
        }
        try {
          handler(this.#tracker.track(stream, peer, protocol), peer);
        } catch (e) {
          stream.abort(e instanceof Error ? e : new Error(String(e)));
          this.#ctx.onError?.(e);
        }
      });
    });
  }

  async open(peer: string, protocol: string, options: StreamOptions = {}): Promise<GossipStream> {
    if (!this.#ctx.running()) throw new ClosedError('gossip: openStream on a stopped node');
    if (!this.#ctx.admitted(peer) || !this.#ctx.host.isConnected(peer)) {
      throw new GossipPeerUnreachableError(peer, 'not connected');
    }
    this.#tracker.assertRoom(peer);
    const timeoutMs = options.timeoutMs ?? this.#ctx.openTimeoutMs;
    const limit = clockDeadline(this.#ctx.clock, timeoutMs, options.signal);
    try {
      const opening = this.#ctx.host.openStream(peer, protocol, limit.signal, {
        optimistic: options.optimistic === true,
      });
      // A stream that opens after the deadline gave up on it would otherwise leak.
      opening.then(
        (s) => limit.signal.aborted && s.abort(new Error(`${protocol}: opened too late`)),
        () => undefined,
      );
      const stream = await untilAborted(opening, limit.signal);
      return this.#tracker.track(stream, peer, protocol);
    } catch (e) {
      throw streamFailure(e, limit, { peer, protocol, timeoutMs }, options.signal);
    } finally {
      limit.clear();
    }
  }

  /** Streams with a peer that left, or all at stop. */
  abortAll(error: Error, peer?: string): void {
    this.#tracker.abortAll(error, peer);
  }
}
