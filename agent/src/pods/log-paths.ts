/**
 * Which file holds a container's log, from the pod manager's records: the current instance
 * writes `<dataDir>/pods/<uid>/logs/<container>/<restartCount>.log`, the previous one
 * `restartCount - 1`. Also says whether that instance still runs, so a follower knows when to
 * stop. Kept apart from the pod manager, which it only reads.
 *
 *   const locate = createLogLocator({ dataDir }, { runtime, record: (ns, n) => pods.record(ns, n) });
 *   const target = await locate({ namespace, pod, container, previous: false });
 */
import type { LogRefusal } from '@wisp/api/wire/log-messages.ts';
import { containerLogPath, type PodRuntime } from '@wisp/core';
import type { PodRecord } from './pod-records.ts';

export interface LogTarget {
  readonly path: string;
  /** The restart count of the instance whose log this is. */
  readonly instance: number;
  /** The instance runs and may write more. */
  readonly running: boolean;
}

export interface LogQuery {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly previous: boolean;
  /** Pin the instance a follower started on. */
  readonly instance?: number;
}

export type LogLocator = (q: LogQuery) => Promise<LogTarget | LogRefusal>;

export interface LogLocatorComponents {
  readonly runtime: Pick<PodRuntime, 'status'>;
  /** The pod manager's record of a pod (`PodManager.record`). */
  readonly record: (namespace: string, name: string) => PodRecord | undefined;
}

export function createLogLocator(init: { dataDir: string }, c: LogLocatorComponents): LogLocator {
  return async (q) => {
    const record = c.record(q.namespace, q.pod);
    if (!record) return refuse('not-found', `pod "${q.pod}" is not running on this node`);
    const ctr = record.containers.find((x) => x.name === q.container);
    if (!ctr) return refuse('not-found', `container ${q.container} is not valid for pod ${q.pod}`);
    if (q.previous) {
      if (ctr.restartCount === 0) {
        const what = `previous terminated container "${q.container}" in pod "${q.pod}"`;
        return refuse('not-found', `${what} not found`);
      }
      const instance = ctr.restartCount - 1;
      const path = containerLogPath(init.dataDir, record.uid, q.container, instance);
      return { path, instance, running: false };
    }
    const neverStarted = ctr.containerId === undefined && ctr.restartCount === 0 && !ctr.lastExit;
    if (neverStarted && q.instance === undefined) {
      const why = ctr.waitingReason ?? 'ContainerCreating';
      const what = `container "${q.container}" in pod "${q.pod}"`;
      return refuse('waiting', `${what} is waiting to start: ${why}`);
    }
    const instance = q.instance ?? ctr.restartCount;
    const path = containerLogPath(init.dataDir, record.uid, q.container, instance);
    const current = instance === ctr.restartCount && ctr.containerId !== undefined;
    return { path, instance, running: current && (await isRunning(c.runtime, record, ctr)) };
  };
}

async function isRunning(
  runtime: Pick<PodRuntime, 'status'>,
  record: PodRecord,
  ctr: PodRecord['containers'][number],
): Promise<boolean> {
  if (!record.sandbox) return false;
  const live = await runtime.status(record.sandbox);
  const state = live?.containers.find((x) => x.id === ctr.containerId)?.current;
  return state?.state === 'running';
}

function refuse(code: LogRefusal['code'], message: string): LogRefusal {
  return { ok: false, code, message };
}
