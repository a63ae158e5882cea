/**
 * A pod's Kubernetes status from what the pod manager recorded, what the runtime reports and what
 * the probes say: phase, conditions (Ready follows readiness), IPs and one ContainerStatus per
 * container with the waiting message (an image pull error) and the exit reason (OOMKilled).
 */
import type {
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodStatus,
} from 'kubernetes-types/core/v1.js';
import { rfc3339, type ContainerRuntimeStatus, type SandboxStatus } from '@wisp/core';
import type { ContainerExit, ContainerRecord, PodRecord } from './pod-records.ts';

export interface StatusView {
  readonly hostIp: string;
  /** The runtime's scheme for containerID (`wasm://…`). */
  readonly runtimeName: string;
  /** Readiness and startup of a container instance from its probes (none: both true). */
  probes(containerId: string): { ready: boolean; started: boolean } | undefined;
}

export function podStatusOf(
  pod: Pod,
  record: PodRecord,
  runtime: SandboxStatus | undefined,
  view: StatusView,
): PodStatus {
  const statuses = record.containers.map((c) => containerStatus(pod, c, live(runtime, c), view));
  const ready = statuses.length > 0 && statuses.every((s) => s.ready);
  const start = rfc3339(record.startTimeMs);
  const readyAt = rfc3339(record.readyChangedAtMs ?? record.startTimeMs);
  const cond = (type: string, ok: boolean, at: string): PodCondition => ({
    type,
    status: ok ? 'True' : 'False',
    lastTransitionTime: at,
  });
  const failed = record.failed;
  return {
    phase: failed ? 'Failed' : phaseOf(pod, statuses),
    ...(failed ? { reason: failed.reason, message: failed.message } : {}),
    hostIP: view.hostIp,
    hostIPs: [{ ip: view.hostIp }],
    podIP: record.podIp,
    podIPs: [{ ip: record.podIp }],
    startTime: start,
    qosClass: 'BestEffort',
    conditions: [
      cond('PodScheduled', true, start),
      cond('Initialized', true, start),
      cond('ContainersReady', ready, readyAt),
      cond('Ready', ready, readyAt),
    ],
    containerStatuses: statuses,
  };
}

/** Whether every container is ready, for tracking the Ready condition's transitions. */
export function podReady(status: PodStatus): boolean {
  return status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

function live(runtime: SandboxStatus | undefined, c: ContainerRecord) {
  return runtime?.containers.find((x) => x.id === c.containerId);
}

function containerStatus(
  pod: Pod,
  c: ContainerRecord,
  now: ContainerRuntimeStatus | undefined,
  view: StatusView,
): ContainerStatus {
  const image = pod.spec?.containers.find((x) => x.name === c.name)?.image ?? '';
  const running = now?.current.state === 'running';
  const probes = running && c.containerId ? view.probes(c.containerId) : undefined;
  const base = {
    name: c.name,
    image,
    imageID: now?.imageId ?? '',
    restartCount: c.restartCount,
    ready: running && (probes?.ready ?? true),
    started: running && (probes?.started ?? true),
    ...(c.containerId ? { containerID: `${view.runtimeName}://${c.containerId}` } : {}),
    ...(c.lastExit ? { lastState: { terminated: terminated(c.lastExit) } } : {}),
  };
  return { ...base, state: stateOf(c, now) };
}

function stateOf(c: ContainerRecord, now: ContainerRuntimeStatus | undefined): ContainerState {
  if (now?.current.state === 'running' && !c.waitingReason) {
    return { running: { startedAt: rfc3339(now.current.startedAtMs) } };
  }
  if (now?.current.state === 'exited' && !c.waitingReason) {
    return { terminated: terminated(now.current) };
  }
  const reason = c.waitingReason ?? 'ContainerCreating';
  return { waiting: { reason, ...(c.waitingMessage ? { message: c.waitingMessage } : {}) } };
}

function terminated(e: ContainerExit) {
  return {
    exitCode: e.exitCode,
    reason: e.reason,
    ...(e.message ? { message: e.message } : {}),
    startedAt: rfc3339(e.startedAtMs),
    finishedAt: rfc3339(e.finishedAtMs),
  };
}

function phaseOf(pod: Pod, statuses: readonly ContainerStatus[]): string {
  if (statuses.some((s) => s.state?.running)) return 'Running';
  const ended = statuses.map((s) => s.state?.terminated);
  if (statuses.length > 0 && ended.every((t) => t !== undefined)) {
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const failed = ended.some((t) => t!.exitCode !== 0);
    if (policy === 'Always' || (failed && policy === 'OnFailure')) return 'Running';
    return failed ? 'Failed' : 'Succeeded';
  }
  // Waiting to restart after a run is still Running, as the kubelet reports it.
  if (statuses.some((s) => s.restartCount > 0 || s.lastState?.terminated)) return 'Running';
  return 'Pending';
}
