/**
 * Reaching the agent that hosts an endpoint when no connection to it is up: its own addresses
 * first (the control plane hands them on in `meshPeers`), one after another, then circuits
 * through the relays — all within one `connectTimeoutMs`. Every route gets a slice of what is
 * left, so an address that swallows packets cannot starve the ones after it or the relays; a
 * dial that overruns its slice is cancelled (libp2p would otherwise fold the next dial to the
 * same peer into it). An inbound connection from the peer ends the search at once.
 *
 *   const dialer = new PeerDialer({ gossip, clock, relays: [serverAddr], connectTimeoutMs: 5000 });
 *   await dialer.reach(peer.peerId, peer.addresses);
 */
import { peerIdOfAddress, type Clock, type NetworkGossip } from '@wisp/core';
import { MeshConnectError } from './mesh-errors.ts';

/** Of `connectTimeoutMs`, what direct addresses may use when a relay could take over after. */
export const directRouteShare = 0.5;

export interface PeerDialerContext {
  readonly gossip: Pick<NetworkGossip, 'peers' | 'dial' | 'onPeer'>;
  readonly clock: Clock;
  /** Multiaddrs of relay peers, each ending in `/p2p/<relay peer id>`. */
  readonly relays: readonly string[];
  /** Everything — every dial and the admission after it — ends within this. */
  readonly connectTimeoutMs: number;
}

interface Phase {
  readonly routes: readonly string[];
  /** Monotonic ms by which this phase's dials end. */
  readonly endMs: number;
}

/** What a search met: a route that connected (admission is then at fault), or the last error. */
interface Outcome {
  connected: boolean;
  dialError?: unknown;
}

interface Admission {
  readonly promise: Promise<void>;
  cancel(): void;
}

export class PeerDialer {
  readonly #ctx: PeerDialerContext;
  readonly #dialing = new Map<string, Promise<void>>();

  constructor(ctx: PeerDialerContext) {
    this.#ctx = ctx;
  }

  /** Connects and waits for admission, one search per peer at a time. */
  reach(peerId: string, addresses: readonly string[]): Promise<void> {
    if (this.#ctx.gossip.peers().includes(peerId)) return Promise.resolve();
    let dialing = this.#dialing.get(peerId);
    if (!dialing) {
      dialing = this.#search(peerId, addresses).finally(() => this.#dialing.delete(peerId));
      this.#dialing.set(peerId, dialing);
    }
    return dialing;
  }

  async #search(peerId: string, addresses: readonly string[]): Promise<void> {
    const admission = this.#admission(peerId);
    const outcome: Outcome = { connected: false };
    try {
      for (const phase of this.#phases(peerId, addresses)) {
        for (let i = 0; i < phase.routes.length; i++) {
          if (this.#ctx.gossip.peers().includes(peerId)) return;
          const leftMs = phase.endMs - this.#ctx.clock.monotonic();
          const sliceMs = Math.floor(leftMs / (phase.routes.length - i));
          if (sliceMs <= 0) break;
          try {
            return await this.#attempt(phase.routes[i], sliceMs, admission, outcome);
          } catch {
            // The next route, if time is left; the outcome says what went wrong.
          }
        }
      }
      if (this.#ctx.gossip.peers().includes(peerId)) return;
      if (outcome.connected) {
        throw new MeshConnectError('timeout', `peer ${peerId}: connected but not admitted`);
      }
      const cause = outcome.dialError;
      throw new MeshConnectError('no-route', `peer ${peerId}: no route`, { cause });
    } finally {
      admission.cancel();
    }
  }

  /** The peer's own addresses until their share of the time ends, then relays until the end. */
  #phases(peerId: string, addresses: readonly string[]): Phase[] {
    const { clock, connectTimeoutMs, relays } = this.#ctx;
    const startMs = clock.monotonic();
    // An address naming no peer would connect to whoever listens there: only the peer's own.
    const direct = [...new Set(addresses)].filter((a) => peerIdOfAddress(a) === peerId);
    const relayed = relays.map((r) => `${r}/p2p-circuit/p2p/${peerId}`);
    const share = direct.length > 0 && relayed.length > 0 ? directRouteShare : 1;
    return [
      { routes: direct, endMs: startMs + connectTimeoutMs * share },
      { routes: relayed, endMs: startMs + connectTimeoutMs },
    ];
  }

  /** One route: dial within `sliceMs` (or until the peer connects to us), then admission. */
  async #attempt(
    route: string,
    sliceMs: number,
    admission: Admission,
    outcome: Outcome,
  ): Promise<void> {
    const stop = new AbortController();
    const dialed = this.#ctx.gossip.dial(route, { timeoutMs: sliceMs, signal: stop.signal }).then(
      () => void (outcome.connected = true),
      (e: unknown) => {
        outcome.dialError = e;
        throw e;
      },
    );
    dialed.catch(() => undefined);
    try {
      await Promise.race([dialed, admission.promise]);
    } finally {
      // Only a dial still pending is cancelled: the peer reached us first.
      stop.abort();
    }
    await admission.promise;
  }

  /** Resolves when `peerId` is admitted; rejects once `connectTimeoutMs` has passed. */
  #admission(peerId: string): Admission {
    let cancel = (): void => {};
    const promise = new Promise<void>((resolve, reject) => {
      if (this.#ctx.gossip.peers().includes(peerId)) return resolve();
      const off = this.#ctx.gossip.onPeer((e) => {
        if (e.type === 'connect' && e.peer === peerId) done(resolve);
      });
      const timer = this.#ctx.clock.setTimeout(
        () => done(() => reject(new MeshConnectError('timeout', `peer ${peerId}: not admitted`))),
        this.#ctx.connectTimeoutMs,
      );
      const done = (then: () => void): void => {
        off();
        this.#ctx.clock.clearTimeout(timer);
        then();
      };
      cancel = () => done(() => resolve());
    });
    promise.catch(() => undefined);
    return { promise, cancel };
  }
}
