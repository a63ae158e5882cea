/**
 * What an instance worker thread runs (after `worker-entry.ts`): loads the host, says
 * `worker-ready` and waits for one `instance-job` (a spare waits until the parent needs it).
 * Then it instantiates the transpiled component with our WASI host (memory capped), and either
 * runs `wasi:cli/run` once and reports how it ended, or, for world 'http', hands the instance to
 * HTTP's worker side, which serves requests with it. A thread runs one instance, never more.
 */
import { readFile } from 'node:fs/promises';
import { flushCompileCache } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
// The clock module alone: the whole of @wisp/core costs a fresh worker ~150 ms to load.
import { systemClock } from '@wisp/core/clock.ts';
import { buildImports, type ImportObject, type InstanceContext } from './imports.ts';
import { completed, exitFromThrow, type InstanceExit } from './instance-exit.ts';
import { capMemory } from './memory-cap.ts';
import { componentName } from './transpile-cache.ts';
import { fdTracker } from './wasi/filesystem.ts';
import { isWasmMemory, wasm, type WasmMemory, type WasmModule } from './wasm-api.ts';
import type {
  InstanceJob,
  InstanceWorkerData,
  InstanceWorkerMessage,
  WorkerBootData,
} from './worker-messages.ts';

type Instantiate = (
  getCoreModule: (name: string) => Promise<WasmModule>,
  imports: ImportObject,
  instantiateCore: (module: WasmModule, imports?: object) => Promise<unknown>,
) => Promise<Record<string, unknown>>;

interface RunExport {
  run(): void;
}

function contextFor(
  data: InstanceWorkerData,
  post: (m: InstanceWorkerMessage) => void,
): InstanceContext {
  const log = (stream: 'stdout' | 'stderr') => (chunk: Uint8Array) =>
    post({ type: 'instance-log', stream, chunk });
  return {
    args: data.args,
    env: data.env,
    preopens: data.preopens,
    stdout: log('stdout'),
    stderr: log('stderr'),
    // The worker is a composition root of its own: the guest sees real time.
    clock: systemClock(),
    fds: fdTracker((event, fd) => post({ type: 'instance-fd', event, fd })),
  };
}

/** jco's generated bindings of a transpiled component (evaluating them runs no guest code). */
function importBindings(componentDir: string): Promise<unknown> {
  return import(pathToFileURL(join(componentDir, `${componentName}.js`)).href);
}

async function instantiateComponent(
  data: InstanceWorkerData,
  imports: ImportObject,
  memories: WasmMemory[],
): Promise<Record<string, unknown>> {
  const { instantiate } = (await importBindings(data.componentDir)) as {
    instantiate: Instantiate;
  };
  const getCoreModule = async (name: string): Promise<WasmModule> => {
    const ready = data.modules?.[name];
    if (ready) return ready;
    const bytes = await readFile(join(data.componentDir, name));
    return wasm.compile(capMemory(bytes, data.memoryBytesMax));
  };
  // Keep every memory the instance exports, to tell an out-of-memory trap from another one.
  const instantiateCore = async (module: WasmModule, coreImports?: object) => {
    const instance = await wasm.instantiate(module, coreImports);
    for (const value of Object.values(instance.exports)) {
      if (isWasmMemory(value)) memories.push(value);
    }
    return instance;
  };
  return instantiate(getCoreModule, imports, instantiateCore);
}

function findRun(exports: Record<string, unknown>): RunExport {
  const key = Object.keys(exports).find((k) => k === 'run' || k.startsWith('wasi:cli/run@'));
  const run = key === undefined ? undefined : (exports[key] as Partial<RunExport>);
  if (typeof run?.run !== 'function') throw new Error('component does not export wasi:cli/run');
  return run as RunExport;
}

type HttpSide = typeof import('../http/worker-serve.ts');
let httpSide: Promise<HttpSide> | undefined;
const loadHttpSide = (): Promise<HttpSide> => (httpSide ??= import('../http/worker-serve.ts'));

async function startHttp(port: MessagePort, data: InstanceWorkerData) {
  if (!data.http) throw new Error('world http: job data.http is missing');
  const { createHttpWorker } = await loadHttpSide();
  return createHttpWorker(port, data.http);
}

function nextJob(port: MessagePort): Promise<InstanceWorkerData> {
  return new Promise((resolve) => {
    const onJob = (msg: InstanceJob): void => {
      if (msg?.type !== 'instance-job') return;
      port.off('message', onJob);
      resolve(msg.data);
    };
    port.on('message', onJob);
  });
}

async function main(data: InstanceWorkerData): Promise<void> {
  const port = parentPort!;
  const post = (m: InstanceWorkerMessage): void => port.postMessage(m);
  const ctx = contextFor(data, post);
  const memories: WasmMemory[] = [];
  let exit: InstanceExit;
  try {
    const http = data.world === 'http' ? await startHttp(port, data) : undefined;
    const exports = await instantiateComponent(data, buildImports(ctx, http?.imports), memories);
    // Cheap when nothing new was compiled (a spare usually compiled it all already).
    flushCompileCache();
    if (http) return http.serve(exports);
    const run = findRun(exports);
    post({ type: 'instance-started' });
    run.run();
    exit = completed();
  } catch (err) {
    exit = exitFromThrow(err, memories, data.memoryBytesMax);
    if (exit.reason !== 'Completed' && exit.message !== undefined) {
      ctx.stderr(new TextEncoder().encode(`${exit.message}\n`));
    }
  }
  post({ type: 'instance-exit', exit });
}

/**
 * A spare has time on its hands: it loads what its job will likely need before saying it is
 * ready, and keeps the code compiled so far for the threads after it.
 */
async function preload(boot: WorkerBootData): Promise<void> {
  const bindings = boot.preloadDir === undefined ? undefined : importBindings(boot.preloadDir);
  // A guess that fails to load costs nothing: the job loads what it needs itself.
  await Promise.all([bindings, loadHttpSide()]).catch(() => {});
  flushCompileCache();
}

const port = parentPort!;
const job = nextJob(port);
const boot = workerData as WorkerBootData | undefined;
if (boot?.spare) await preload(boot);
port.postMessage({ type: 'worker-ready' } satisfies InstanceWorkerMessage);
await main(await job);
