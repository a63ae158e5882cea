/**
 * The entry of an instance worker thread. It only turns on node:module's compile cache when the
 * parent gave it a directory, before `worker-main.ts` and the host it imports are compiled:
 * the cache cannot apply to modules already loaded.
 */
import { enableCompileCache } from 'node:module';
import { workerData } from 'node:worker_threads';
import type { WorkerBootData } from './worker-messages.ts';

const boot = workerData as WorkerBootData | undefined;
if (boot?.compileCacheDir !== undefined) enableCompileCache(boot.compileCacheDir);
await import('./worker-main.ts');
