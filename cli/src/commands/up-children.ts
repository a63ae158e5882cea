/**
 * The child processes `wisp up` runs (`wisp server`, `wisp agent`): started with their output
 * kept for errors, waited on for a line that says they are ready, stopped with SIGTERM and, after
 * a grace period, SIGKILL.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Clock } from '@wisp/core';

export const WISP_BIN = resolve(import.meta.dirname, '../../bin/wisp.ts');

/** How long one process may take to say it is ready. */
export const readyTimeoutMs = 60_000;
/** How long a process may take to stop after SIGTERM before it is killed. */
export const stopTimeoutMs = 10_000;
/** Output kept per child for error messages; older output is dropped. */
export const childOutputCharsMax = 64 * 1024;

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  output: string;
}

export function startChild(name: string, args: string[]): Child {
  const child: Child = {
    name,
    process: spawn(process.execPath, [WISP_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }),
    output: '',
  };
  const keep = (d: Buffer) => {
    child.output = (child.output + d.toString()).slice(-childOutputCharsMax);
  };
  child.process.stdout!.on('data', keep);
  child.process.stderr!.on('data', keep);
  return child;
}

export function isRunning(child: Child): boolean {
  return child.process.exitCode === null && child.process.signalCode === null;
}

/** Resolves with the first match of `pattern` in the child's output. */
export function ready(child: Child, pattern: RegExp, clock: Clock): Promise<RegExpExecArray> {
  return new Promise((ok, fail) => {
    const done = () => {
      clock.clearTimeout(timer);
      child.process.stdout!.off('data', check);
      child.process.off('exit', exited);
    };
    const timer = clock.setTimeout(() => {
      done();
      fail(new Error(`${child.name} not ready after ${readyTimeoutMs} ms:\n${child.output}`));
    }, readyTimeoutMs);
    const check = () => {
      const m = pattern.exec(child.output);
      if (!m) return;
      done();
      ok(m);
    };
    const exited = (code: number | null) => {
      done();
      fail(new Error(`${child.name} exited with ${code}:\n${child.output}`));
    };
    child.process.stdout!.on('data', check);
    child.process.once('exit', exited);
    check();
  });
}

export async function stopChild(child: Child, clock: Clock): Promise<void> {
  const p = child.process;
  if (!isRunning(child)) return;
  const exited = new Promise((ok) => p.once('exit', ok));
  p.kill('SIGTERM');
  const timer = clock.setTimeout(() => p.kill('SIGKILL'), stopTimeoutMs);
  await exited;
  clock.clearTimeout(timer);
}
