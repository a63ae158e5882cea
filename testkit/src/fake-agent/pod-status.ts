/**
 * The status a kubelet would report for a pod, from its timeline: phase, the conditions the
 * kubelet owns (PodReadyToStartContainers, Initialized, ContainersReady, Ready), IPs, and one
 * container status per container. Conditions others own (PodScheduled, DisruptionTarget) are
 * kept as they are.
 */
import { createHash } from 'node:crypto';
import type { Condition, KubeObject } from '@wisp/api';
import { rfc3339 } from '@wisp/core';
import type { ContainerRun, PodTimeline } from './pod-timeline.ts';

export interface PodStatusContext {
  readonly hostIP: string;
  /** Undefined while the pod has no address (none free, or never started). */
  readonly podIP?: string;
  readonly acceptedAtMs: number;
}

interface Container {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

interface PodShape {
  metadata: { uid?: string };
  spec?: { containers?: Container[]; initContainers?: Container[] };
  status?: Record<string, unknown>;
}

const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready'];

export function podPhase(tl: PodTimeline, current: string | undefined): string {
  switch (tl.stage) {
    case 'creating':
      return 'Pending';
    case 'running':
    case 'backoff':
      return 'Running';
    case 'terminated':
      // A pod stopped for deletion keeps its phase until it is gone, as kubelets did before
      // terminal-phase transitions; a Job must not count a killed pod as a success.
      if (tl.current?.killed || !tl.current) return current ?? 'Pending';
      return tl.current.exitCode === 0 ? 'Succeeded' : 'Failed';
  }
}

/** The full status to write: `pod.status` with the kubelet's parts replaced. */
export function podStatusFor(pod: KubeObject, tl: PodTimeline, ctx: PodStatusContext) {
  const p = pod as unknown as PodShape;
  const old = (p.status ?? {}) as Record<string, unknown>;
  const phase = podPhase(tl, old.phase as string | undefined);
  const containers = p.spec?.containers ?? [];
  const foreign = ((old.conditions ?? []) as Condition[]).filter(
    (c) => !KUBELET_CONDITIONS.includes(c.type),
  );
  const status: Record<string, unknown> = {
    ...old,
    phase,
    conditions: [...foreign, ...kubeletConditions(tl, ctx, containers, phase)],
    hostIP: ctx.hostIP,
    hostIPs: [{ ip: ctx.hostIP }],
    startTime: rfc3339(ctx.acceptedAtMs),
    containerStatuses: containers.map((c) => containerStatus(p, c, tl)),
    qosClass: old.qosClass ?? qosClass([...containers, ...(p.spec?.initContainers ?? [])]),
  };
  if (ctx.podIP) {
    status.podIP = ctx.podIP;
    status.podIPs = [{ ip: ctx.podIP }];
  }
  return status;
}

function kubeletConditions(
  tl: PodTimeline,
  ctx: PodStatusContext,
  containers: Container[],
  phase: string,
): Condition[] {
  const since = rfc3339(ctx.acceptedAtMs);
  const cond = (type: string, ok: boolean, at: string, reason?: string, message?: string) => ({
    type,
    status: ok ? ('True' as const) : ('False' as const),
    lastProbeTime: null,
    lastTransitionTime: at,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  });
  const readyAt = rfc3339(tl.readySinceMs);
  const names = containers.map((c) => c.name).join(' ');
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const reason = tl.ready ? undefined : terminal ? 'PodCompleted' : 'ContainersNotReady';
  const message = tl.ready || terminal ? undefined : `containers with unready status: [${names}]`;
  return [
    cond('PodReadyToStartContainers', tl.stage !== 'terminated' || !!tl.current, since),
    cond('Initialized', true, since),
    cond('ContainersReady', tl.ready, readyAt, reason, message),
    cond('Ready', tl.ready, readyAt, reason, message),
  ];
}

function containerStatus(pod: PodShape, c: Container, tl: PodTimeline) {
  const image = c.image ?? '';
  const started = tl.stage === 'running';
  const ran = tl.current !== undefined;
  // Waiting out a back-off, the run that just ended is already the container's last state.
  const last = tl.stage === 'backoff' ? tl.current : tl.previous;
  return {
    name: c.name,
    image,
    imageID: ran ? `${image.split('@')[0]}@sha256:${digest(image)}` : '',
    ...(ran ? { containerID: containerId(pod, c.name, tl.restartCount) } : {}),
    ready: tl.ready,
    started,
    restartCount: tl.restartCount,
    state: containerState(c.name, tl),
    lastState: last ? { terminated: terminated(last) } : {},
  };
}

function containerState(name: string, tl: PodTimeline): Record<string, unknown> {
  switch (tl.stage) {
    case 'creating':
      return { waiting: { reason: 'ContainerCreating' } };
    case 'running':
      return { running: { startedAt: rfc3339(tl.current!.startedAtMs) } };
    case 'backoff': {
      const delayS = Math.round((tl.backoffUntilMs! - tl.current!.finishedAtMs!) / 1000);
      const message = `back-off ${delayS}s restarting failed container=${name}`;
      return { waiting: { reason: 'CrashLoopBackOff', message } };
    }
    case 'terminated':
      if (!tl.current) return { terminated: { exitCode: 0, reason: 'ContainerStatusUnknown' } };
      return { terminated: terminated(tl.current) };
  }
}

function terminated(run: ContainerRun) {
  const code = run.exitCode ?? 0;
  return {
    exitCode: code,
    reason: code === 0 ? 'Completed' : 'Error',
    startedAt: rfc3339(run.startedAtMs),
    finishedAt: rfc3339(run.finishedAtMs ?? run.startedAtMs),
  };
}

function containerId(pod: PodShape, name: string, restartCount: number): string {
  return `wisp://${(pod.metadata.uid ?? '').slice(0, 8)}-${name}-${restartCount}`;
}

function digest(image: string): string {
  return createHash('sha256').update(image).digest('hex');
}

/** The QoS class the apiserver would give the pod from its requests and limits. */
export function qosClass(containers: Container[]): string {
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length || Object.keys(limits).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const limit = limits[r];
      if (!limit || (requests[r] !== undefined && requests[r] !== limit)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
