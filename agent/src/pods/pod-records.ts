/**
 * What the pod manager ran, kept under the data dir so that a restarted agent knows its pods,
 * their IPs and restart counts, and can tell its own sandboxes from strangers'.
 */
import { join } from 'node:path';
import type { SandboxRef } from '@wisp/core';
import { readStateFile, writeStateFile } from '../atomic-file.ts';

export interface ContainerRecord {
  readonly name: string;
  /** The runtime's id of the current instance; undefined until started. */
  containerId?: string;
  restartCount: number;
  /** The back-off the next restart waits (doubles per crash). */
  backoffMs: number;
  /** Monotonic-free wall time before which the container is not restarted. */
  backoffUntilMs: number;
  /** Why the container is not running: ErrImagePull, CrashLoopBackOff, ... */
  waitingReason?: string;
  /** The instance whose exit was already acted on. */
  exitSeenOf?: string;
  /** The previous instance's end, for `lastState`. */
  lastExit?: { exitCode: number; reason: string; startedAtMs: number; finishedAtMs: number };
}

export interface PodRecord {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly podIp: string;
  readonly startTimeMs: number;
  sandbox?: SandboxRef;
  /** The phase last reported, so the node's own view of its pods survives the control plane. */
  phase?: string;
  readonly containers: ContainerRecord[];
}

export const podRecordsFile = join('state', 'pods.json');

export async function loadPodRecords(dataDir: string): Promise<PodRecord[]> {
  const text = await readStateFile(join(dataDir, podRecordsFile));
  if (text === undefined) return [];
  const doc = JSON.parse(text) as { pods?: PodRecord[] };
  return Array.isArray(doc.pods) ? doc.pods : [];
}

export async function savePodRecords(dataDir: string, pods: readonly PodRecord[]): Promise<void> {
  await writeStateFile(join(dataDir, podRecordsFile), `${JSON.stringify({ pods })}\n`);
}
