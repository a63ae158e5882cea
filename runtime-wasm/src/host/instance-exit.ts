/**
 * How an instance ended, and how each way of ending maps to an exit code and a reason, as a
 * container's would (137 = killed, as by SIGKILL).
 */
import { ExitSignal } from './wasi/cli.ts';
import { MemoryCapError } from './memory-cap.ts';
import type { WasmMemory } from './wasm-api.ts';

export type InstanceExitReason =
  'Completed' | 'Error' | 'OOMKilled' | 'DeadlineExceeded' | 'Killed';
export type InstanceExit = { exitCode: number; reason: InstanceExitReason; message?: string };

export const killedExitCode = 137;

/**
 * A trap counts as out-of-memory when less than this fraction of the cap was left: the guest's
 * allocator saw `memory.grow` return -1 and gave up (an abort, `unreachable`).
 */
export const oomHeadroomFraction = 0.25;

export const completed = (): InstanceExit => ({ exitCode: 0, reason: 'Completed' });
export const oomKilled = (message: string): InstanceExit => ({
  exitCode: killedExitCode,
  reason: 'OOMKilled',
  message,
});

export function nearMemoryCap(memories: readonly WasmMemory[], memoryBytesMax: number): boolean {
  const headroom = memoryBytesMax * oomHeadroomFraction;
  return memories.some((m) => m.buffer.byteLength > memoryBytesMax - headroom);
}

/** What `run()` (or instantiation) throwing means. `err === undefined` is run's `err` result. */
export function exitFromThrow(
  err: unknown,
  memories: readonly WasmMemory[],
  memoryBytesMax: number,
): InstanceExit {
  if (err instanceof ExitSignal) {
    return err.exitCode === 0 ? completed() : { exitCode: err.exitCode, reason: 'Error' };
  }
  if (err === undefined) return { exitCode: 1, reason: 'Error', message: 'run returned an error' };
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof MemoryCapError) return oomKilled(message);
  if (err instanceof RangeError && /memory/i.test(message)) return oomKilled(message);
  if (nearMemoryCap(memories, memoryBytesMax)) {
    return oomKilled(`${message} (linear memory at its limit of ${memoryBytesMax} bytes)`);
  }
  return { exitCode: 1, reason: 'Error', message };
}

/** A worker that died on its own: the JS heap limit is an OOM kill like linear memory. */
export function exitFromWorkerError(err: unknown): InstanceExit {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return oomKilled(message);
  return { exitCode: 1, reason: 'Error', message };
}
