/**
 * A load generator in a worker thread, so the client's own HTTP work does not share the event
 * loop (and core) of the server under test. Posts `count` JSON bodies built from a template with
 * `concurrency` in flight, and reports per-request latencies and failures.
 */
import { Agent, request } from 'node:https';
import { parentPort, workerData } from 'node:worker_threads';
import { runPool } from './stats.ts';

export interface LoadSpec {
  readonly url: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly path: string;
  /** JSON text with `__N__` replaced by the request index. */
  readonly bodyTemplate: string;
  readonly count: number;
  readonly concurrency: number;
  readonly expectStatus: number;
}

export interface LoadResult {
  readonly seconds: number;
  readonly latenciesMs: number[];
  readonly failures: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: spec.concurrency,
    ca: spec.ca,
    cert: spec.cert,
    key: spec.key,
  });
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: spec.path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const latenciesMs: number[] = [];
  let failures = 0;
  const start = performance.now();
  await runPool(spec.count, spec.concurrency, async (i) => {
    const t = performance.now();
    const code = await post(spec.bodyTemplate.replaceAll('__N__', String(i)));
    latenciesMs.push(performance.now() - t);
    if (code !== spec.expectStatus) failures++;
  });
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { seconds, latenciesMs, failures };
}

if (parentPort) {
  parentPort.postMessage(await run(workerData as LoadSpec));
}
