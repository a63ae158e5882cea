/**
 * A plain-HTTP GET load generator in a worker thread, so the client does not share the event
 * loop of a server under test in the same process. Keep-alive, `concurrency` in flight.
 */
import { Agent, request } from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runPool } from './stats.ts';

export interface HttpLoadSpec {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly count: number;
  readonly concurrency: number;
}

export interface HttpLoadResult {
  readonly seconds: number;
  readonly latenciesMs: number[];
  readonly failures: number;
  /** The first failure, to say why. */
  readonly firstError?: string;
}

export function runHttpLoad(spec: HttpLoadSpec): Promise<HttpLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: spec });
    worker.once('message', (r: HttpLoadResult) => resolve(r));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}

function get(agent: Agent, spec: HttpLoadSpec): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: spec.host, port: spec.port, path: spec.path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function run(spec: HttpLoadSpec): Promise<HttpLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latenciesMs: number[] = [];
  let failures = 0;
  let firstError: string | undefined;
  const start = performance.now();
  await runPool(spec.count, spec.concurrency, async () => {
    const t = performance.now();
    try {
      const status = await get(agent, spec);
      if (status !== 200) throw new Error(`status ${status}`);
      latenciesMs.push(performance.now() - t);
    } catch (e) {
      failures++;
      firstError ??= (e as Error).message;
    }
  });
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { seconds, latenciesMs, failures, ...(firstError ? { firstError } : {}) };
}

if (!isMainThread && parentPort) parentPort.postMessage(await run(workerData as HttpLoadSpec));
