/**
 * Starts http instance workers on HOST's worker entry (world 'http'), spare threads when there
 * are some, with the core modules compiled once (memory-capped) and shared by every worker of
 * the component (through HOST's module cache, with cli instances and other services alike), so
 * an instance costs an instantiate, not a compile nor a thread start. Logs go to the spec's
 * sinks; fds a terminated worker left open are closed, as HOST does for cli instances.
 */
import { closeSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { workerDataFor } from '../host/instance.ts';
import { startInstanceThread, type ThreadSource } from '../host/instance-thread.ts';
import { createModuleCache, type CompiledModules, type ModuleCache } from '../host/module-cache.ts';
import type { InstanceWorkerMessage } from '../host/worker-messages.ts';
import type { SpawnHttpWorker } from './instance-worker.ts';

export interface HttpInstanceSpec {
  readonly componentDir: string;
  readonly args: readonly string[];
  readonly env: readonly [string, string][];
  readonly preopens: readonly { guestPath: string; hostPath: string; readOnly: boolean }[];
  /** Caps linear memory (in the modules) and the worker's JS heap. */
  readonly memoryBytesMax: number;
  readonly stdout: (chunk: Uint8Array) => void;
  readonly stderr: (chunk: Uint8Array) => void;
}

function closeLeftoverFds(worker: Worker): void {
  const fds = new Set<number>();
  worker.on('message', (m: InstanceWorkerMessage) => {
    if (m?.type !== 'instance-fd') return;
    if (m.event === 'opened') fds.add(m.fd);
    else fds.delete(m.fd);
  });
  worker.on('exit', () => {
    for (const fd of fds) {
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
    }
  });
}

export function hostSpawner(
  spec: HttpInstanceSpec,
  modules?: CompiledModules,
  spares?: ThreadSource,
): SpawnHttpWorker {
  return (http, transferList) => {
    const data = { ...workerDataFor({ ...spec, world: 'http' }, modules), http };
    const { worker } = startInstanceThread(data, transferList, spares);
    // Only jco's bindings print to the worker's own stdio (host faults); keep stderr.
    worker.stdout.resume();
    worker.stderr.on('data', (chunk: Buffer) => spec.stderr(new Uint8Array(chunk)));
    worker.on('message', (m: InstanceWorkerMessage) => {
      if (m?.type === 'instance-log') (m.stream === 'stderr' ? spec.stderr : spec.stdout)(m.chunk);
    });
    closeLeftoverFds(worker);
    return worker;
  };
}

/**
 * HOST's spawner with modules from `cache` (a fresh one if none is shared) and threads from
 * `spares` (fresh ones if none). A component that does not compile still gets workers: each
 * reports why it fails (e.g. OOMKilled at the cap).
 */
export async function defaultHttpSpawner(
  spec: HttpInstanceSpec,
  cache: ModuleCache = createModuleCache({ entriesMax: 1 }),
  spares?: ThreadSource,
): Promise<SpawnHttpWorker> {
  const modules = await cache.get(spec.componentDir, spec.memoryBytesMax).catch(() => undefined);
  return hostSpawner(spec, modules, spares);
}
