/**
 * Latency and throughput of HTTP GETs (keep-alive, or a new connection each) against one
 * address: `latencyRequests` sequential requests (p50/p99), then, for each of `concurrency`,
 * that many clients in a loop for `throughputMs`; max req/s is the best of those runs (a chain
 * of hops needs more requests in flight than one server to keep its CPUs busy). Used
 * in-process and by the load-generator process of bench/mesh-overhead.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { percentile } from './stats.ts';

export interface MeasureSpec {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** false: every request on a connection of its own (`Connection: close`), opened for it. */
  readonly keepAlive: boolean;
  readonly latencyRequests: number;
  readonly throughputMs: number;
  readonly concurrency: readonly number[];
}

export interface MeasureResult {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly rps: number;
  /** The clients in flight that gave `rps`. */
  readonly concurrency: number;
}

function get(agent: http.Agent, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export async function measureHttp(spec: MeasureSpec): Promise<MeasureResult> {
  const { host, port } = spec;
  const agent = new http.Agent({
    keepAlive: spec.keepAlive,
    maxSockets: Math.max(...spec.concurrency),
  });
  try {
    return await measureRequests(spec, () => get(agent, host, port));
  } finally {
    agent.destroy();
  }
}

export type LoadSpec = Pick<
  MeasureSpec,
  'name' | 'latencyRequests' | 'throughputMs' | 'concurrency'
>;

/**
 * The measurement itself, for any request function: 50 warm-up requests, `latencyRequests`
 * sequential ones timed, then each level of `concurrency` for `throughputMs`.
 */
export async function measureRequests(
  spec: LoadSpec,
  send: () => Promise<unknown>,
): Promise<MeasureResult> {
  for (let i = 0; i < 50; i++) await send();
  const times: number[] = [];
  for (let i = 0; i < spec.latencyRequests; i++) {
    const t0 = performance.now();
    await send();
    times.push(performance.now() - t0);
  }
  let best = { rps: 0, concurrency: 0 };
  for (const clients of spec.concurrency) {
    const rps = await throughput(send, spec.throughputMs, clients);
    if (rps > best.rps) best = { rps, concurrency: clients };
  }
  return { name: spec.name, p50: percentile(times, 50), p99: percentile(times, 99), ...best };
}

async function throughput(
  send: () => Promise<unknown>,
  throughputMs: number,
  clients: number,
): Promise<number> {
  let done = 0;
  const end = performance.now() + throughputMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        await send();
        done++;
      }
    }),
  );
  return (done * 1000) / throughputMs;
}
