/**
 * One container's step of the kubelet loop: start it if it never ran, and when it has exited,
 * restart it by the pod's restartPolicy after a back-off that doubles per crash (10 s to 5 min,
 * reset once a container ran long enough), showing CrashLoopBackOff meanwhile.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { ImagePullError, type Clock, type PodRuntime, type SandboxRef } from '@wisp/core';
import type { ContainerRecord } from './pod-records.ts';

export interface BackoffLimits {
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** A container that ran this long before exiting starts its back-off afresh. */
  readonly backoffResetMs: number;
}

export const backoffDefaults: BackoffLimits = {
  backoffInitialMs: 10_000,
  backoffMaxMs: 300_000,
  backoffResetMs: 600_000,
};

export interface ContainerSyncContext {
  readonly runtime: PodRuntime;
  readonly clock: Clock;
  readonly limits: BackoffLimits;
  readonly pod: Pod;
  readonly sandbox: SandboxRef;
  /** What the runtime says of the current instance (undefined: never started or unknown). */
  readonly exited?: { exitCode: number; reason: string; startedAtMs: number; finishedAtMs: number };
}

export async function syncContainer(
  ctx: ContainerSyncContext,
  c: ContainerRecord,
  spec: Container,
): Promise<void> {
  const now = ctx.clock.now();
  if (c.containerId === undefined) {
    if (now >= c.backoffUntilMs) await startContainer(ctx, c, spec);
    return;
  }
  if (!ctx.exited) return;
  if (c.exitSeenOf !== c.containerId) noteExit(ctx, c, ctx.exited);
  if (c.waitingReason === 'CrashLoopBackOff' && now >= c.backoffUntilMs) {
    c.restartCount += 1;
    await startContainer(ctx, c, spec);
  }
}

function noteExit(
  ctx: ContainerSyncContext,
  c: ContainerRecord,
  exited: NonNullable<ContainerSyncContext['exited']>,
): void {
  c.exitSeenOf = c.containerId;
  c.lastExit = exited;
  const policy = ctx.pod.spec?.restartPolicy ?? 'Always';
  const restart = policy === 'Always' || (policy === 'OnFailure' && exited.exitCode !== 0);
  if (!restart) return;
  if (exited.finishedAtMs - exited.startedAtMs >= ctx.limits.backoffResetMs) {
    c.backoffMs = ctx.limits.backoffInitialMs;
  }
  c.backoffUntilMs = exited.finishedAtMs + c.backoffMs;
  c.backoffMs = Math.min(c.backoffMs * 2, ctx.limits.backoffMaxMs);
  c.waitingReason = 'CrashLoopBackOff';
}

async function startContainer(
  ctx: ContainerSyncContext,
  c: ContainerRecord,
  spec: Container,
): Promise<void> {
  try {
    await ctx.runtime.pull(spec.image ?? '');
  } catch (e) {
    if (!(e instanceof ImagePullError)) throw e;
    c.waitingReason = c.waitingReason === undefined ? 'ErrImagePull' : 'ImagePullBackOff';
    c.backoffUntilMs = ctx.clock.now() + c.backoffMs;
    c.backoffMs = Math.min(c.backoffMs * 2, ctx.limits.backoffMaxMs);
    c.containerId = undefined;
    return;
  }
  c.containerId = await ctx.runtime.start(ctx.sandbox, spec);
  c.waitingReason = undefined;
}
