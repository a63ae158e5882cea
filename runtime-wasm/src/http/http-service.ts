/**
 * Serves a wasi:http component on host:port: a node:http server in front of a pool of instance
 * workers that are reused across requests (one request per instance at a time), with a request
 * body cap (413), a bounded queue (503), a per-request deadline (504, the instance is replaced),
 * traps (500, replaced) and outgoing requests answered by the service's `OutgoingPolicy`.
 * Responses are buffered in full (up to `responseBodyBytesMax`) before they are sent.
 *
 *   const svc = await startHttpService(
 *     { ...instanceSpec, host: '127.42.0.5', port: 8080, poolSize: 2, outgoing: meshPolicy },
 *     { clock },
 *   );
 *   await svc.drain(5_000);
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@wisp/core';
import type { ThreadSource } from '../host/instance-thread.ts';
import type { ModuleCache } from '../host/module-cache.ts';
import { defaultHttpSpawner, type HttpInstanceSpec } from './host-spawner.ts';
import { InstancePool, type PoolStats } from './instance-pool.ts';
import { InstanceWorker, type InstanceExit, type SpawnHttpWorker } from './instance-worker.ts';
import {
  BodyTooLargeError,
  jobRequestFrom,
  readBody,
  sendOutcome,
  sendText,
} from './node-exchange.ts';
import { defaultOutgoingLimits, type OutgoingLimits } from './outgoing-bridge.ts';
import { denyAllOutgoing, type OutgoingPolicy } from './outgoing-policy.ts';

export interface HttpServiceLimits extends OutgoingLimits {
  readonly requestBodyBytesMax: number;
  readonly responseBodyBytesMax: number;
  readonly outgoingRequestBytesMax: number;
  readonly queueDepthMax: number;
  /** Used when the spec has no `deadlineMs`. */
  readonly requestDeadlineMs: number;
}

export const defaultHttpServiceLimits: HttpServiceLimits = {
  ...defaultOutgoingLimits,
  requestBodyBytesMax: 3 * 1024 * 1024,
  responseBodyBytesMax: 8 * 1024 * 1024,
  outgoingRequestBytesMax: 3 * 1024 * 1024,
  queueDepthMax: 256,
  requestDeadlineMs: 30_000,
};

/** HOST's InstanceSpec (world 'http') plus where to listen and how many instances to keep. */
export interface HttpServiceSpec extends HttpInstanceSpec {
  /** Ignored: the service always serves world 'http' (kept for InstanceSpec compatibility). */
  readonly world?: 'cli' | 'http';
  readonly host: string;
  readonly port: number;
  readonly poolSize: number;
  /** Default: every outgoing request is denied. */
  readonly outgoing?: OutgoingPolicy;
  /** Per request. */
  readonly deadlineMs?: number;
  readonly limits?: Partial<HttpServiceLimits>;
}

export interface HttpServiceDeps {
  readonly clock: Clock;
  /** Default: HOST's worker entry, with the core modules compiled once for the service. */
  readonly spawnWorker?: SpawnHttpWorker;
  /** Compiled modules shared with other instances of the same component (HOST's cache). */
  readonly modules?: ModuleCache;
  /** Threads started ahead of need (HOST's `createSpareWorkers`); default: fresh threads. */
  readonly spares?: ThreadSource;
}

export interface HttpService {
  readonly address: { host: string; port: number };
  /** Settles once: all workers failed to start, or after `drain` / `kill`. */
  readonly exited: Promise<InstanceExit>;
  /** Stops accepting, lets in-flight and queued requests finish for up to `graceMs`, then ends. */
  drain(graceMs: number): Promise<void>;
  kill(): Promise<void>;
  stats(): PoolStats & { inFlight: number; queued: number };
}

function listen(server: ReturnType<typeof createServer>, host: string, port: number) {
  return new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  pool: InstancePool,
  limits: HttpServiceLimits,
  state: { readonly draining: boolean },
): Promise<void> {
  if (state.draining) return sendText(res, 503, 'service is shutting down', true);
  let body: Uint8Array;
  try {
    body = await readBody(req, limits.requestBodyBytesMax);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      sendText(res, 413, `request body exceeds ${limits.requestBodyBytesMax} bytes`, true);
    } else res.destroy();
    return;
  }
  const job = pool.submit(jobRequestFrom(req, body));
  if (!job) return sendText(res, 503, 'too many requests queued');
  res.on('close', () => job.cancel());
  sendOutcome(res, await job.outcome);
}

export async function startHttpService(
  spec: HttpServiceSpec,
  deps: HttpServiceDeps,
): Promise<HttpService> {
  const limits: HttpServiceLimits = { ...defaultHttpServiceLimits, ...spec.limits };
  const policy = spec.outgoing ?? denyAllOutgoing;
  const spawn = deps.spawnWorker ?? (await defaultHttpSpawner(spec, deps.modules, deps.spares));
  const pool = new InstancePool(
    () => new InstanceWorker({ spawn, policy, limits, clock: deps.clock }),
    {
      poolSize: spec.poolSize,
      queueDepthMax: limits.queueDepthMax,
      deadlineMs: spec.deadlineMs ?? limits.requestDeadlineMs,
    },
    deps.clock,
  );
  const state = { draining: false };
  const server = createServer((req, res) => void serve(req, res, pool, limits, state));

  const closeServer = (): void => {
    server.close();
    server.closeAllConnections();
  };
  let address: AddressInfo;
  try {
    address = await listen(server, spec.host, spec.port);
  } catch (err) {
    await pool.close({ exitCode: 1, reason: 'Error', message: (err as Error).message });
    throw err;
  }
  void pool.exited.then(closeServer);
  await pool.start();

  return {
    address: { host: address.address, port: address.port },
    exited: pool.exited,
    async drain(graceMs) {
      state.draining = true;
      server.close();
      server.closeIdleConnections();
      const stopGrace = new AbortController();
      const grace = deps.clock.sleep(graceMs, stopGrace.signal).catch(() => undefined);
      await Promise.race([pool.whenIdle(), grace]);
      stopGrace.abort();
      await pool.close({ exitCode: 0, reason: 'Completed' });
      closeServer();
    },
    async kill() {
      state.draining = true;
      await pool.close({ exitCode: 137, reason: 'Killed' });
      closeServer();
    },
    stats: () => ({ ...pool.stats, inFlight: pool.inFlight, queued: pool.queued }),
  };
}
