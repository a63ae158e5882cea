/**
 * Bookkeeping a gossip node keeps per message and per peer, mirroring gossipsub so the memory
 * network punishes and forgets as libp2p does: a seen-cache with a TTL (duplicates are dropped;
 * a replay after the TTL gets through to the application, which must refuse it), and an invalid-
 * message penalty that decays and, past the graylist threshold, silences the peer.
 */
import { gossipPeerScoreParams, gossipTopicScoreParams, type Clock } from '@wisp/core';

export class SeenCache {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #entriesMax: number;
  /** Insertion order is expiry order, since the TTL is fixed. */
  readonly #expiry = new Map<string, number>();

  constructor(clock: Clock, ttlMs: number, entriesMax: number) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#entriesMax = entriesMax;
  }

  /** True if `id` was seen within the TTL; records it either way. */
  seen(id: string): boolean {
    const now = this.#clock.monotonic();
    for (const [k, at] of this.#expiry) {
      if (at > now && this.#expiry.size < this.#entriesMax) break;
      this.#expiry.delete(k);
    }
    if (this.#expiry.has(id)) return true;
    this.#expiry.set(id, now + this.#ttlMs);
    return false;
  }
}

interface Penalty {
  count: number;
  atMs: number;
}

export class PenaltyBook {
  readonly #clock: Clock;
  readonly #penalties = new Map<string, Penalty>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  penalise(peer: string): void {
    const count = this.#count(peer) + 1;
    this.#penalties.set(peer, { count, atMs: this.#clock.monotonic() });
  }

  /** gossipsub's P4 term: weight × (decayed invalid-message count)². */
  score(peer: string): number {
    const count = this.#count(peer);
    return count === 0 ? 0 : gossipTopicScoreParams.invalidMessageDeliveriesWeight * count ** 2;
  }

  #count(peer: string): number {
    const p = this.#penalties.get(peer);
    if (!p) return 0;
    const intervals = (this.#clock.monotonic() - p.atMs) / gossipPeerScoreParams.decayInterval;
    const count = p.count * gossipTopicScoreParams.invalidMessageDeliveriesDecay ** intervals;
    if (count < gossipPeerScoreParams.decayToZero) {
      this.#penalties.delete(peer);
      return 0;
    }
    return count;
  }
}
