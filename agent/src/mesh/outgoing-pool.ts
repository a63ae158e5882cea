/**
 * Keep-alive connections for pods' outgoing HTTP through the mesh: a node:http `Agent` whose
 * pools are per calling pod, service and endpoint, so a request whose endpoint was picked
 * (round robin, affinity) reuses an idle connection to that endpoint — a tunnel to its node or
 * a local pod's socket — instead of opening one. Opening a tunnel costs a Yamux stream, the
 * tunnel header and its reply; reusing one costs nothing.
 *
 * A kept connection is only as good as the mesh state it was opened under: `flush(keeps)`,
 * called on every new mesh state, closes the idle connections whose target no longer passes
 * (endpoint gone not-ready, NetworkPolicy here now denying) and retires the busy ones when their
 * request ends; the rest stay. An idle connection is closed after `idleMs`, or a second before
 * the server's own `Keep-Alive: timeout=N`.
 *
 *   const pool = new OutgoingPool({}, { clock, connect: (t) => open(t) });
 *   http.request({ agent: pool, ...pool.requestOptions(target), path, headers });
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '@wisp/core';
import type { TunnelSource } from './mesh-protocol.ts';
import type { MeshEndpoint } from './service-table.ts';

/** Where one pooled connection goes, and on whose behalf. */
export interface PoolTarget {
  readonly source: TunnelSource;
  readonly serviceKey: string;
  readonly endpoint: MeshEndpoint;
}

export interface OutgoingPoolInit {
  /** How long an idle connection is kept. */
  readonly idleMs?: number;
  /** Idle connections kept per calling pod, service and endpoint. */
  readonly idleConnectionsMax?: number;
}

export interface OutgoingPoolComponents {
  readonly clock: Clock;
  /** Opens a new connection to the target (a tunnel or a local socket). */
  readonly connect: (target: PoolTarget) => Promise<Duplex>;
}

export const outgoingPoolDefaults = {
  idleMs: 4_000,
  idleConnectionsMax: 8,
} as const;

/** Node's `Agent` trims a second off the server's hint, against a close racing a reuse. */
const serverHintMarginMs = 1_000;

interface PoolRequestOptions extends http.RequestOptions {
  readonly poolKey: string;
  readonly poolTarget: PoolTarget;
}

export class OutgoingPool extends http.Agent {
  readonly #clock: Clock;
  readonly #connect: (target: PoolTarget) => Promise<Duplex>;
  readonly #idleMs: number;
  #generation = 0;
  /** The last generation `destroy()` ended: connections it was opening close when they open. */
  #destroyedUpTo = -1;
  readonly #targets = new WeakMap<Duplex, PoolTarget>();
  /** Connections that may finish their request but not carry another. */
  readonly #retired = new WeakSet<Duplex>();
  readonly #idleTimers = new WeakMap<Duplex, TimerHandle>();

  constructor(init: OutgoingPoolInit, c: OutgoingPoolComponents) {
    const d = { ...outgoingPoolDefaults, ...init };
    super({ keepAlive: true, maxFreeSockets: d.idleConnectionsMax, scheduling: 'lifo' });
    this.#clock = c.clock;
    this.#connect = c.connect;
    this.#idleMs = d.idleMs;
  }

  /** The options that route a request through the pool to `target`. */
  requestOptions(target: PoolTarget): PoolRequestOptions {
    const { source, serviceKey, endpoint } = target;
    const poolKey = `${source.namespace ?? ''}/${source.pod ?? ''}@${source.ip}>${serviceKey}>${
      endpoint.ip
    }:${endpoint.port}`;
    return { host: endpoint.ip, port: endpoint.port, poolKey, poolTarget: target };
  }

  override getName(options?: http.ClientRequestArgs): string {
    return (options as PoolRequestOptions).poolKey;
  }

  override createConnection(
    options: http.ClientRequestArgs,
    done: (err: Error | null, socket: Duplex) => void,
  ): Duplex {
    const generation = this.#generation;
    this.#connect((options as PoolRequestOptions).poolTarget).then(
      (socket) => {
        if (generation <= this.#destroyedUpTo) {
          socket.destroy();
          done(new Error('outgoing connections: closed (the mesh stopped)'), undefined as never);
          return;
        }
        this.#targets.set(socket, (options as PoolRequestOptions).poolTarget);
        // Opened under a mesh state that a flush has since replaced.
        if (generation !== this.#generation) this.#retired.add(socket);
        // No half-open connections in a pool: the server's end closes ours, and so takes the
        // connection out of the pool instead of leaving it there for the next request.
        socket.once('end', () => socket.end());
        socket.once('close', () => this.#clock.clearTimeout(this.#idleTimers.get(socket)));
        done(null, socket);
      },
      (e: unknown) => done(e instanceof Error ? e : new Error(String(e)), undefined as never),
    );
    // node:http's Agent waits for `done` when this returns nothing.
    return undefined as never;
  }

  override keepSocketAlive(socket: Duplex): boolean {
    if (this.#retired.has(socket)) return false;
    const idleMs = Math.min(this.#idleMs, serverIdleMs(socket));
    if (idleMs <= 0) return false;
    this.#idleTimers.set(
      socket,
      this.#clock.setTimeout(() => socket.destroy(), idleMs),
    );
    return true;
  }

  override reuseSocket(socket: Duplex, request: http.ClientRequest): void {
    this.#clock.clearTimeout(this.#idleTimers.get(socket));
    super.reuseSocket(socket as never, request);
  }

  /**
   * Applies a new mesh state: connections whose target `keeps` rejects close if idle, or after
   * their request if busy; connections still being opened carry one request only.
   */
  flush(keeps: (target: PoolTarget) => boolean = () => false): void {
    this.#generation++;
    const kept = (socket: Duplex) => {
      const target = this.#targets.get(socket);
      return target !== undefined && keeps(target);
    };
    for (const sockets of Object.values(this.sockets)) {
      for (const socket of sockets ?? []) if (!kept(socket)) this.#retired.add(socket);
    }
    for (const sockets of Object.values(this.freeSockets)) {
      for (const socket of [...(sockets ?? [])]) if (!kept(socket)) socket.destroy();
    }
  }

  /**
   * Closes every connection, and any still being opened once it opens. Requests made after
   * it open new ones (a mesh stopped and started again).
   */
  override destroy(): void {
    this.#destroyedUpTo = this.#generation++;
    super.destroy();
  }

  /** Idle connections kept now, for tests and metrics. */
  idleCount(): number {
    return Object.values(this.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0);
  }
}

/** How long the server said it keeps an idle connection, less a margin; Infinity if unsaid. */
function serverIdleMs(socket: Duplex): number {
  // The request whose answer just ended, as node:http's own keepSocketAlive reads it.
  const message = (socket as { _httpMessage?: { res?: http.IncomingMessage } | null })._httpMessage;
  const hint = message?.res?.headers['keep-alive'];
  const text = Array.isArray(hint) ? hint[0] : hint;
  const seconds = text ? /^timeout=(\d+)/.exec(text)?.[1] : undefined;
  return seconds === undefined ? Infinity : Number(seconds) * 1000 - serverHintMarginMs;
}
