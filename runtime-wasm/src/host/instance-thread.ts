/**
 * Starting an instance worker: a thread on the worker entry, with nothing of the parent's (no
 * env, argv, stdio) and a JS heap capped by the instance's memory limit, that gets its instance
 * as one `instance-job` message. Spares (`spare-workers.ts`) are threads started ahead of need.
 *
 *   const thread = startInstanceThread(data, [], spares);
 *   thread.worker.on('message', …);
 *   await thread.ready; // the entry is loaded: what runs from here on is the instance's
 */
import { Worker, type TransferListItem } from 'node:worker_threads';
import {
  workerEntryUrl,
  type InstanceJob,
  type InstanceWorkerData,
  type InstanceWorkerMessage,
  type WorkerBootData,
} from './worker-messages.ts';

export interface InstanceThread {
  readonly worker: Worker;
  /**
   * Settles once the entry is loaded (a spare's preloads too) and the thread waits for (or has)
   * its job, or once the thread is gone. Never rejects: its `exit` event tells how it ended.
   */
  readonly ready: Promise<void>;
}

/** What a thread's resource limits are keyed by: only the JS heap cap differs per instance. */
export interface WorkerLimits {
  readonly maxOldGenerationSizeMb: number;
}

/** Hands out a started thread for the limits, spare or fresh (`SpareWorkers` or a fake). */
export interface ThreadSource {
  /** `componentDir`: what the thread will run, a hint for the spares started after it. */
  take(limits: WorkerLimits, componentDir?: string): InstanceThread;
}

const mib = 1024 * 1024;
/** The JS heap an instance gets at least: jco's bindings and a componentize-js guest need it. */
export const jsHeapFloorMb = 32;

export function workerResourceLimits(memoryBytesMax: number): WorkerLimits {
  return { maxOldGenerationSizeMb: Math.max(jsHeapFloorMb, Math.ceil(memoryBytesMax / mib)) };
}

/** Starts a thread that loads the entry and waits for its job. */
export function spawnInstanceThread(limits: WorkerLimits, boot: WorkerBootData): InstanceThread {
  const worker = new Worker(workerEntryUrl, {
    workerData: boot,
    resourceLimits: { maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb },
    env: {},
    argv: [],
    stdout: true,
    stderr: true,
    stdin: false,
  });
  const ready = Promise.withResolvers<void>();
  const onMessage = (m: InstanceWorkerMessage): void => {
    if (m?.type === 'worker-ready') ready.resolve();
  };
  worker.on('message', onMessage);
  worker.once('exit', () => ready.resolve());
  void ready.promise.then(() => worker.off('message', onMessage));
  return { worker, ready: ready.promise };
}

/** A thread (a spare from `threads` if there is one) running the instance `data` describes. */
export function startInstanceThread(
  data: InstanceWorkerData,
  transferList: readonly TransferListItem[] = [],
  threads?: ThreadSource,
): InstanceThread {
  const limits = workerResourceLimits(data.memoryBytesMax);
  const thread =
    threads?.take(limits, data.componentDir) ?? spawnInstanceThread(limits, { spare: false });
  // A thread still loading gets the job once its entry listens; nothing is lost meanwhile.
  const job: InstanceJob = { type: 'instance-job', data };
  thread.worker.postMessage(job, [...transferList]);
  return thread;
}
