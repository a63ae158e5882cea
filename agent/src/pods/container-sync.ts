/**
 * One container's step of the kubelet loop: start it if it never ran, and when it has exited,
 * restart it by the pod's restartPolicy after a back-off that doubles per crash (10 s to 5 min,
 * reset once a container ran long enough), showing CrashLoopBackOff meanwhile. A container that
 * cannot be configured, pulled or started waits with the kubelet's reason and the error message.
 * Each step is told as the kubelet's Events tell it (Pulling, Pulled, Failed, Created, Started,
 * BackOff, OOMKilling) through `ctx.event`.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { EventType } from '@wisp/api/wire/event-messages.ts';
import {
  ImagePullError,
  type Clock,
  type ContainerConfig,
  type PodRuntime,
  type SandboxRef,
} from '@wisp/core';
import { PodConfigError } from './pod-config-error.ts';
import type { ContainerExit, ContainerRecord } from './pod-records.ts';

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
  readonly exited?: ContainerExit;
  /** Resolves env, volumes, log path and limits for the next start; throws PodConfigError. */
  readonly resolve: (
    spec: Container,
    restartCount: number,
  ) => Promise<{ container: Container; config: ContainerConfig }>;
  /** Records a Kubernetes Event about this container. */
  readonly event?: (type: EventType, reason: string, message: string) => void;
}

export async function syncContainer(
  ctx: ContainerSyncContext,
  c: ContainerRecord,
  spec: Container,
): Promise<void> {
  const now = ctx.clock.now();
  if (c.containerId === undefined) {
    if (now >= c.backoffUntilMs) await startContainer(ctx, c, spec, c.restartCount);
    return;
  }
  if (!ctx.exited) return;
  if (c.exitSeenOf !== c.containerId) noteExit(ctx, c, ctx.exited);
  // Waiting after an exit: CrashLoopBackOff, or a restart that could not be made.
  if (c.waitingReason !== undefined && now >= c.backoffUntilMs) {
    await startContainer(ctx, c, spec, c.restartCount + 1);
  }
}

function noteExit(ctx: ContainerSyncContext, c: ContainerRecord, exited: ContainerExit): void {
  c.exitSeenOf = c.containerId;
  c.lastExit = c.killMessage ? { ...exited, message: c.killMessage } : exited;
  c.killMessage = undefined;
  if (exited.reason === 'OOMKilled') {
    ctx.event?.('Warning', 'OOMKilling', `Memory limit reached: container ${c.name} was killed`);
  }
  const policy = ctx.pod.spec?.restartPolicy ?? 'Always';
  const restart = policy === 'Always' || (policy === 'OnFailure' && exited.exitCode !== 0);
  if (!restart) return;
  if (exited.finishedAtMs - exited.startedAtMs >= ctx.limits.backoffResetMs) {
    c.backoffMs = ctx.limits.backoffInitialMs;
  }
  c.backoffUntilMs = exited.finishedAtMs + c.backoffMs;
  c.backoffMs = Math.min(c.backoffMs * 2, ctx.limits.backoffMaxMs);
  c.waitingReason = 'CrashLoopBackOff';
  const backoffS = Math.round((c.backoffUntilMs - exited.finishedAtMs) / 1000);
  const pod = ctx.pod.metadata?.name ?? '';
  c.waitingMessage = `back-off ${backoffS}s restarting failed container=${c.name} pod=${pod}`;
  ctx.event?.('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod}`);
}

async function startContainer(
  ctx: ContainerSyncContext,
  c: ContainerRecord,
  spec: Container,
  restartCount: number,
): Promise<void> {
  let resolved: { container: Container; config: ContainerConfig };
  const image = spec.image ?? '';
  try {
    resolved = await ctx.resolve(spec, restartCount);
    ctx.event?.('Normal', 'Pulling', `Pulling image "${image}"`);
    await ctx.runtime.pull(image);
  } catch (e) {
    if (e instanceof PodConfigError) {
      ctx.event?.('Warning', 'Failed', `Error: ${e.message}`);
      return wait(ctx, c, 'CreateContainerConfigError', e.message);
    }
    if (!(e instanceof ImagePullError)) throw e;
    // The error already names the image; the event says it once, as the kubelet's does.
    const why = e.message.replace(`image ${JSON.stringify(e.image)}: `, '');
    ctx.event?.('Warning', 'Failed', `Failed to pull image "${image}": ${why}`);
    const pulling = c.waitingReason === 'ErrImagePull' || c.waitingReason === 'ImagePullBackOff';
    if (pulling) ctx.event?.('Normal', 'BackOff', `Back-off pulling image "${image}"`);
    return wait(ctx, c, pulling ? 'ImagePullBackOff' : 'ErrImagePull', e.message);
  }
  ctx.event?.('Normal', 'Pulled', `Successfully pulled image "${image}"`);
  try {
    const id = await ctx.runtime.start(ctx.sandbox, resolved.container, resolved.config);
    if (c.containerId !== undefined) c.restartCount = restartCount;
    c.containerId = id;
    c.waitingReason = undefined;
    c.waitingMessage = undefined;
    ctx.event?.('Normal', 'Created', `Created container ${c.name}`);
    ctx.event?.('Normal', 'Started', `Started container ${c.name}`);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    ctx.event?.('Warning', 'Failed', `Error: ${message}`);
    wait(ctx, c, 'RunContainerError', message);
  }
}

/** Not started: waits with a reason and message, retried after the back-off. */
function wait(ctx: ContainerSyncContext, c: ContainerRecord, reason: string, message: string) {
  c.waitingReason = reason;
  c.waitingMessage = message;
  c.backoffUntilMs = ctx.clock.now() + c.backoffMs;
  c.backoffMs = Math.min(c.backoffMs * 2, ctx.limits.backoffMaxMs);
}
