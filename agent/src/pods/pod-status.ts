/**
 * A pod's Kubernetes status from what the pod manager recorded and what the runtime reports:
 * phase, conditions, IPs and one ContainerStatus per container.
 */
import type { ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { rfc3339, type ContainerRuntimeStatus, type SandboxStatus } from '@wisp/core';
import type { ContainerRecord, PodRecord } from './pod-records.ts';

export function podStatusOf(
  pod: Pod,
  record: PodRecord,
  runtime: SandboxStatus | undefined,
  hostIp: string,
): PodStatus {
  const statuses = record.containers.map((c) => containerStatus(pod, c, live(runtime, c)));
  const ready = statuses.length > 0 && statuses.every((s) => s.ready);
  const time = rfc3339(record.startTimeMs);
  const cond = (type: string, ok: boolean): PodCondition => ({
    type,
    status: ok ? 'True' : 'False',
    lastTransitionTime: time,
  });
  return {
    phase: phaseOf(pod, statuses),
    hostIP: hostIp,
    hostIPs: [{ ip: hostIp }],
    podIP: record.podIp,
    podIPs: [{ ip: record.podIp }],
    startTime: time,
    qosClass: 'BestEffort',
    conditions: [
      cond('PodScheduled', true),
      cond('Initialized', true),
      cond('ContainersReady', ready),
      cond('Ready', ready),
    ],
    containerStatuses: statuses,
  };
}

function live(runtime: SandboxStatus | undefined, c: ContainerRecord) {
  return runtime?.containers.find((x) => x.id === c.containerId);
}

function containerStatus(
  pod: Pod,
  c: ContainerRecord,
  now: ContainerRuntimeStatus | undefined,
): ContainerStatus {
  const image = pod.spec?.containers.find((x) => x.name === c.name)?.image ?? '';
  const running = now?.current.state === 'running';
  const base = {
    name: c.name,
    image,
    imageID: '',
    restartCount: c.restartCount,
    ready: running,
    started: running,
    ...(c.containerId ? { containerID: `fake://${c.containerId}` } : {}),
    ...(c.lastExit ? { lastState: { terminated: terminated(c.lastExit) } } : {}),
  };
  if (now?.current.state === 'running') {
    return { ...base, state: { running: { startedAt: rfc3339(now.current.startedAtMs) } } };
  }
  if (now?.current.state === 'exited' && !c.waitingReason) {
    return { ...base, state: { terminated: terminated(now.current) } };
  }
  return { ...base, state: { waiting: { reason: c.waitingReason ?? 'ContainerCreating' } } };
}

function terminated(e: {
  exitCode: number;
  reason: string;
  startedAtMs: number;
  finishedAtMs: number;
}) {
  return {
    exitCode: e.exitCode,
    reason: e.reason,
    startedAt: rfc3339(e.startedAtMs),
    finishedAt: rfc3339(e.finishedAtMs),
  };
}

function phaseOf(pod: Pod, statuses: readonly ContainerStatus[]): string {
  if (statuses.some((s) => s.state?.running || s.restartCount > 0)) return 'Running';
  const ended = statuses.map((s) => s.state?.terminated);
  if (statuses.length === 0 || ended.some((t) => !t)) return 'Pending';
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return 'Running';
  const failed = ended.some((t) => t!.exitCode !== 0);
  if (failed) return policy === 'Never' ? 'Failed' : 'Running';
  return 'Succeeded';
}
