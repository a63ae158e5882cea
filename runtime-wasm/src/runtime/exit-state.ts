/**
 * An instance's exit as a Kubernetes container state: the runtime-internal `Killed` (the agent
 * stopped it) is shown as Kubernetes shows a killed container, `Error` with exit code 137.
 */
import type { ContainerState } from '@wisp/core';
import type { InstanceExit } from './engine.ts';
import { killedExitCode } from './wasm-defaults.ts';

export function exitStateOf(
  startedAtMs: number,
  exit: InstanceExit,
  nowMs: number,
): Extract<ContainerState, { state: 'exited' }> {
  const killed = exit.reason === 'Killed';
  const exitCode = killed && exit.exitCode === 0 ? killedExitCode : exit.exitCode;
  const reason = killed ? 'Error' : exit.reason;
  return {
    state: 'exited',
    exitCode,
    startedAtMs,
    finishedAtMs: Math.max(nowMs, startedAtMs),
    reason,
    ...(exit.message ? { message: exit.message } : {}),
  };
}

export function killedExit(message: string): InstanceExit {
  return { exitCode: killedExitCode, reason: 'Killed', message };
}
