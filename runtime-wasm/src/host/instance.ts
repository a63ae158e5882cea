/**
 * Parent side of an instance: one worker thread per `wasi:cli/run` instance (a spare one when
 * `spares` has it), watched by a watchdog on the injected clock that ends it past its
 * wall-clock deadline or CPU budget. Both count from when the thread's entry is loaded, so a
 * slow thread start is not charged to the guest; everything the guest runs is.
 *
 *   const { exited, kill } = runCommand(spec, { clock, modules, spares });
 *   const { exitCode, reason } = await exited;
 */
import { closeSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { Clock, TimerHandle } from '@wisp/core';
import {
  exitFromWorkerError,
  killedExitCode,
  oomKilled,
  type InstanceExit,
} from './instance-exit.ts';
import { MemoryCapError } from './memory-cap.ts';
import { startInstanceThread, type InstanceThread, type ThreadSource } from './instance-thread.ts';
import type { CompiledModules, ModuleCache } from './module-cache.ts';
import type { Preopen } from './wasi/filesystem.ts';
import type { InstanceWorkerData, InstanceWorkerMessage } from './worker-messages.ts';

export type { InstanceExit, InstanceExitReason } from './instance-exit.ts';
export { jsHeapFloorMb, workerResourceLimits } from './instance-thread.ts';

export interface InstanceSpec {
  readonly componentDir: string;
  readonly world: 'cli' | 'http';
  /** argv[0] is the container name. */
  readonly args: readonly string[];
  readonly env: readonly [string, string][];
  readonly preopens: readonly Preopen[];
  /** Caps linear memory AND the worker's JS heap. */
  readonly memoryBytesMax: number;
  /** cli: wall-clock deadline for run(); http: per request. */
  readonly deadlineMs?: number;
  /** cli: CPU time the instance may use (the pod's CPU limit over its deadline), if any. */
  readonly cpuMsMax?: number;
  readonly stdout: (chunk: Uint8Array) => void;
  readonly stderr: (chunk: Uint8Array) => void;
}

export interface RunCommandDeps {
  readonly clock: Clock;
  /** Shares compiled modules between instances of one component. */
  readonly modules?: ModuleCache;
  /** Threads started ahead of need (`createSpareWorkers`); default: a fresh thread each time. */
  readonly spares?: ThreadSource;
  /** How often the watchdog looks at the worker. */
  readonly watchdogIntervalMs?: number;
}

export interface RunningCommand {
  /** True once the guest's run() began; false if the instance ended before it could. */
  readonly started: Promise<boolean>;
  readonly exited: Promise<InstanceExit>;
  kill(): Promise<void>;
}

export function workerDataFor(spec: InstanceSpec, modules?: CompiledModules): InstanceWorkerData {
  return {
    componentDir: spec.componentDir,
    world: spec.world,
    args: spec.args,
    env: spec.env,
    preopens: spec.preopens,
    memoryBytesMax: spec.memoryBytesMax,
    modules,
  };
}

export function runCommand(spec: InstanceSpec, deps: RunCommandDeps): RunningCommand {
  const done = Promise.withResolvers<InstanceExit>();
  const started = Promise.withResolvers<boolean>();
  void done.promise.then(() => started.resolve(false));
  let stop: ((exit: InstanceExit) => Promise<void>) | undefined;
  let killedEarly: InstanceExit | undefined;
  const start = async (): Promise<void> => {
    let modules: CompiledModules | undefined;
    try {
      modules = await deps.modules?.get(spec.componentDir, spec.memoryBytesMax);
    } catch (err) {
      if (err instanceof MemoryCapError) return done.resolve(oomKilled(err.message));
      throw err;
    }
    if (killedEarly) return done.resolve(killedEarly);
    const thread = startInstanceThread(workerDataFor(spec, modules), [], deps.spares);
    thread.worker.on('message', (m: InstanceWorkerMessage) => {
      if (m.type === 'instance-started') started.resolve(true);
    });
    stop = watch(thread, spec, deps, done.resolve);
  };
  start().catch((err: unknown) =>
    done.resolve({ exitCode: 1, reason: 'Error', message: String(err) }),
  );
  return {
    started: started.promise,
    exited: done.promise,
    async kill() {
      const exit = { exitCode: killedExitCode, reason: 'Killed' as const };
      if (stop) await stop(exit);
      else killedEarly ??= exit;
      await done.promise;
    },
  };
}

/**
 * Ends the instance past its wall-clock deadline or CPU budget, both counted from `ready` (the
 * thread's own start is the host's cost, not the guest's). Returns the check to run per tick.
 */
function limitCheck(
  worker: Worker,
  ready: Promise<void>,
  spec: InstanceSpec,
  clock: Clock,
  terminate: (exit: InstanceExit) => Promise<void>,
): () => void {
  let startedMs: number | undefined;
  let cpuBaseMs: number | undefined;
  let cpuCheck = false;
  const cpuMs = (u: { user: number; system: number }): number => (u.user + u.system) / 1000;
  void ready.then(() => {
    startedMs = clock.monotonic();
    if (spec.cpuMsMax === undefined) return;
    cpuCheck = true;
    worker.cpuUsage().then(
      (u) => {
        cpuBaseMs = cpuMs(u);
        cpuCheck = false;
      },
      () => {},
    );
  });
  const overrun = () => terminate({ exitCode: killedExitCode, reason: 'DeadlineExceeded' });
  return () => {
    if (startedMs === undefined) return;
    if (spec.deadlineMs !== undefined && clock.monotonic() - startedMs > spec.deadlineMs) {
      void overrun();
    } else if (spec.cpuMsMax !== undefined && cpuBaseMs !== undefined && !cpuCheck) {
      const base = cpuBaseMs;
      cpuCheck = true;
      worker.cpuUsage().then(
        (u) => {
          cpuCheck = false;
          if (cpuMs(u) - base > spec.cpuMsMax!) void overrun();
        },
        () => {},
      );
    }
  };
}

function watch(
  thread: InstanceThread,
  spec: InstanceSpec,
  deps: RunCommandDeps,
  resolve: (exit: InstanceExit) => void,
): (exit: InstanceExit) => Promise<void> {
  const { clock } = deps;
  const { worker } = thread;
  const fds = new Set<number>();
  let reported: InstanceExit | undefined;
  let forced: InstanceExit | undefined;
  const terminate = async (exit: InstanceExit): Promise<void> => {
    forced ??= exit;
    await worker.terminate();
  };
  const tick = limitCheck(worker, thread.ready, spec, clock, terminate);
  // The guest cannot reach these; only jco's bindings print here (host faults), so keep them.
  worker.stdout.resume();
  worker.stderr.on('data', (chunk: Buffer) => spec.stderr(new Uint8Array(chunk)));
  const timer: TimerHandle = clock.setInterval(tick, deps.watchdogIntervalMs ?? 10);
  worker.on('message', (msg: InstanceWorkerMessage) => {
    if (msg.type === 'instance-log')
      (msg.stream === 'stdout' ? spec.stdout : spec.stderr)(msg.chunk);
    else if (msg.type === 'instance-fd') {
      if (msg.event === 'opened') fds.add(msg.fd);
      else fds.delete(msg.fd);
    } else if (msg.type === 'instance-exit') {
      // The instance is done: say so now, not after the thread has torn itself down.
      reported = msg.exit;
      clock.clearInterval(timer);
      resolve(forced ?? reported);
      void worker.terminate();
    }
  });
  worker.on('error', (err) => {
    reported ??= exitFromWorkerError(err);
  });
  worker.on('exit', (code) => {
    clock.clearInterval(timer);
    // Fds a terminated worker held stay open in the process; only we can close them now.
    for (const fd of fds) {
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
    }
    resolve(
      forced ??
        reported ?? {
          exitCode: 1,
          reason: 'Error',
          message: `instance worker exited with ${code}`,
        },
    );
  });
  return terminate;
}
