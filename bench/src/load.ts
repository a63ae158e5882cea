/** Runs the HTTPS load generator in a worker thread and waits for its result. */
import { Worker } from 'node:worker_threads';
import type { LoadResult, LoadSpec } from './https-load-worker.ts';

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./https-load-worker.ts', import.meta.url), {
      workerData: spec,
    });
    worker.once('message', (r: LoadResult) => resolve(r));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}
