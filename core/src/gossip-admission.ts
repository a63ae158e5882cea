/**
 * Which connected peers have proved who they are. A peer starts `pending` when it connects (or
 * when anything arrives from it first), becomes `admitted` or `refused`, and is forgotten when
 * it disconnects. A pending peer that stays pending past the deadline is refused and handed to
 * `onExpired`, which disconnects it: a peer that never answers the identity exchange cannot sit
 * on a connection.
 *
 *   const admission = new AdmissionTracker({ admissionTimeoutMs: 5000 }, { clock, onExpired });
 *   admission.connected(peer);
 *   if (await admission.decided(peer)) deliver();   // waits at most the deadline
 */
import type { Clock, TimerHandle } from './clock.ts';

export type AdmissionState = 'pending' | 'admitted' | 'refused';

export interface AdmissionInit {
  readonly admissionTimeoutMs: number;
}

export interface AdmissionComponents {
  readonly clock: Clock;
  /** Called once for a peer whose deadline passed while pending. */
  readonly onExpired: (peer: string) => void;
}

interface Entry {
  state: AdmissionState;
  timer: TimerHandle | undefined;
  waiters: ((admitted: boolean) => void)[];
}

/** How many refused-and-gone peers are remembered; the oldest is forgotten first. */
export const refusedPeersRememberedMax = 1024;

export class AdmissionTracker {
  readonly #init: AdmissionInit;
  readonly #c: AdmissionComponents;
  readonly #peers = new Map<string, Entry>();
  /** Peers refused and then gone: a late message from one is refused at once, not held. */
  readonly #refusedGone = new Set<string>();

  constructor(init: AdmissionInit, components: AdmissionComponents) {
    this.#init = init;
    this.#c = components;
  }

  /** Starts the deadline for a newly seen peer; a known peer keeps its state. */
  connected(peer: string): void {
    if (this.#peers.has(peer)) return;
    this.#refusedGone.delete(peer);
    const timer = this.#c.clock.setTimeout(() => {
      const entry = this.#peers.get(peer);
      if (entry?.state !== 'pending') return;
      this.#decide(entry, 'refused');
      this.#c.onExpired(peer);
    }, this.#init.admissionTimeoutMs);
    this.#peers.set(peer, { state: 'pending', timer, waiters: [] });
  }

  /** True if this call admitted the peer (it was pending). A refused peer stays refused. */
  admit(peer: string): boolean {
    this.connected(peer);
    const entry = this.#peers.get(peer)!;
    if (entry.state !== 'pending') return false;
    this.#decide(entry, 'admitted');
    return true;
  }

  /** True if the peer was admitted before this call. */
  refuse(peer: string): boolean {
    this.connected(peer);
    const entry = this.#peers.get(peer)!;
    const was = entry.state === 'admitted';
    if (entry.state !== 'refused') this.#decide(entry, 'refused');
    return was;
  }

  /** Forgets the peer; true if it was admitted. Waiters learn it was not admitted. */
  disconnected(peer: string): boolean {
    const entry = this.#peers.get(peer);
    if (!entry) return false;
    const was = entry.state === 'admitted';
    this.#c.clock.clearTimeout(entry.timer);
    this.#peers.delete(peer);
    if (entry.state === 'refused') {
      this.#refusedGone.add(peer);
      if (this.#refusedGone.size > refusedPeersRememberedMax) {
        this.#refusedGone.delete(this.#refusedGone.values().next().value!);
      }
    }
    for (const w of entry.waiters.splice(0)) w(false);
    return was;
  }

  state(peer: string): AdmissionState | undefined {
    return this.#peers.get(peer)?.state;
  }

  isAdmitted(peer: string): boolean {
    return this.#peers.get(peer)?.state === 'admitted';
  }

  admitted(): string[] {
    return [...this.#peers].filter(([, e]) => e.state === 'admitted').map(([p]) => p);
  }

  /** Resolves true once admitted, false once refused or gone; at most the deadline away. */
  decided(peer: string): Promise<boolean> {
    if (!this.#peers.has(peer) && this.#refusedGone.has(peer)) return Promise.resolve(false);
    this.connected(peer);
    const entry = this.#peers.get(peer)!;
    if (entry.state !== 'pending') return Promise.resolve(entry.state === 'admitted');
    return new Promise((resolve) => entry.waiters.push(resolve));
  }

  /** Forgets every peer, as on stop. */
  clear(): void {
    for (const peer of [...this.#peers.keys()]) this.disconnected(peer);
  }

  #decide(entry: Entry, state: 'admitted' | 'refused'): void {
    entry.state = state;
    this.#c.clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    for (const w of entry.waiters.splice(0)) w(state === 'admitted');
  }
}
