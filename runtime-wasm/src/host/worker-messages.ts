/**
 * What the parent hands an instance worker and what the worker says back. A worker starts
 * empty (its entry loaded, nothing of any instance), says `worker-ready`, and waits for one
 * `instance-job`; so a spare can be started before anyone needs it. HTTP's pool uses the same
 * worker entry for world 'http' (with `http` set) and reads the same log and fd messages.
 */
import type { HttpWorkerData } from '../http/messages.ts';
import type { InstanceExit } from './instance-exit.ts';
import type { Preopen } from './wasi/filesystem.ts';
import type { WasmModule } from './wasm-api.ts';

export interface InstanceWorkerData {
  readonly componentDir: string;
  readonly world: 'cli' | 'http';
  readonly args: readonly string[];
  readonly env: readonly (readonly [string, string])[];
  readonly preopens: readonly Preopen[];
  readonly memoryBytesMax: number;
  /** Core modules already compiled with the memory cap, by file name; others compile here. */
  readonly modules?: Readonly<Record<string, WasmModule>>;
  /** World 'http' only: what HTTP's worker side needs (ports cross in the transfer list). */
  readonly http?: HttpWorkerData;
}

/** The workerData of every instance worker: nothing of the instance it will run. */
export interface WorkerBootData {
  /** Started ahead of need: load what most jobs use while waiting for one. */
  readonly spare: boolean;
  /**
   * A spare's guess at its job's component (the last one started with its limits): its jco
   * bindings are loaded while waiting. A wrong guess costs only memory; no guest code runs.
   */
  readonly preloadDir?: string;
  /** node:module compile cache: V8's code for the host and the bindings, kept across threads. */
  readonly compileCacheDir?: string;
}

/** parent → worker, once: the instance to run (ports for world 'http' ride the transfer list). */
export interface InstanceJob {
  readonly type: 'instance-job';
  readonly data: InstanceWorkerData;
}

export type InstanceWorkerMessage =
  | { readonly type: 'worker-ready' }
  | {
      readonly type: 'instance-log';
      readonly stream: 'stdout' | 'stderr';
      readonly chunk: Uint8Array;
    }
  | { readonly type: 'instance-fd'; readonly event: 'opened' | 'closed'; readonly fd: number }
  | { readonly type: 'instance-started' }
  | { readonly type: 'instance-exit'; readonly exit: InstanceExit };

export const workerEntryUrl = new URL('./worker-entry.ts', import.meta.url);
