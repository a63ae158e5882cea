/**
 * What the pod manager ran, kept under the data dir so that a restarted agent knows its pods,
 * their IPs and restart counts, and can tell its own sandboxes from strangers'.
 */
import { join } from 'node:path';
import type { SandboxRef } from '@wisp/core';
import { readStateFile, writeStateFile } from '../atomic-file.ts';

/** How a container instance ended, as `lastState.terminated` shows it. */
export interface ContainerExit {
  readonly exitCode: number;
  readonly reason: string;
  readonly message?: string;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
}

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
  /** The error behind waitingReason (a digest mismatch, a missing ConfigMap key). */
  waitingMessage?: string;
  /** Why the agent killed the current instance (a failed liveness probe), for lastState. */
  killMessage?: string;
  /** The instance whose exit was already acted on. */
  exitSeenOf?: string;
  /** The previous instance's end, for `lastState`. */
  lastExit?: ContainerExit;
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
  /** Set once the pod has failed for good (DeadlineExceeded): nothing restarts. */
  failed?: { readonly reason: string; readonly message: string };
  /** When the Ready condition last changed. */
  readyChangedAtMs?: number;
  /** The Ready condition last reported. */
  ready?: boolean;
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
