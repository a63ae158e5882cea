/**
 * The agent's CPU scheduling policy (sched(7)), set on its own threads with util-linux `chrt`
 * (Node has no sched_setscheduler).
 *
 * - `batch` (the default, `SCHED_BATCH`): same CPU share as before, but a wakeup of the agent
 *   never preempts the thread that is running. A workload that writes to the mesh, a NodePort
 *   client or a container sharing the core with the agent keeps the CPU until it blocks, and the
 *   agent then forwards everything it wrote in one pass. With the default policy the agent
 *   preempted the writer on every request: two context switches per request and per direction.
 *   bench/mesh-overhead, cross-node req/s: 0.56 → 0.59× direct (two alternating pairs).
 *   The cost: under a pod that saturates the core, the agent waits up to one scheduler slice
 *   (a few ms) before it forwards.
 * - `other` (`SCHED_OTHER`): the kernel's default.
 *
 * Threads started later (libuv's pool, wasm pods' workers) inherit the policy, and so does
 * every process the agent starts.
 *
 *   await setCpuPolicy('batch'); // this process, all its threads
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { WispError } from '@wisp/core';

export const cpuPolicies = ['batch', 'other'] as const;
export type CpuPolicy = (typeof cpuPolicies)[number];

/** The policy numbers of sched.h, as `/proc/PID/stat` reports them (field 41). */
export const schedPolicyNumber: Readonly<Record<CpuPolicy, number>> = { other: 0, batch: 3 };

export class CpuPolicyError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INTERNAL', message, options);
  }
}

export function isCpuPolicy(value: string): value is CpuPolicy {
  return (cpuPolicies as readonly string[]).includes(value);
}

/** Applies `policy` to every thread of `pid` (default: this process). */
export function setCpuPolicy(policy: CpuPolicy, pid = process.pid): Promise<void> {
  const args = [`--${policy}`, '--all-tasks', '--pid', '0', String(pid)];
  return new Promise((resolve, reject) => {
    execFile('chrt', args, (e, _stdout, stderr) => {
      if (!e) {
        resolve();
        return;
      }
      const why =
        (e as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'chrt not found (install util-linux)'
          : stderr.trim() || e.message;
      reject(
        new CpuPolicyError(`cannot set CPU policy ${policy} on pid ${pid}: ${why}`, { cause: e }),
      );
    });
  });
}

/** The scheduling policy number of each thread of `pid`, from field 41 of its stat file. */
export function threadPolicies(pid = process.pid): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // The fields after the command name, which is in parentheses and may hold anything: state
    // (field 3) comes first.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[41 - 3]);
  });
}
