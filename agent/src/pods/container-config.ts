/**
 * What the kubelet resolves before a container starts, as the runtime's `ContainerConfig`: the
 * env (ConfigMaps, Secrets, downward API, `$(VAR)`), the pod's volumes as mounts, the log file of
 * this restart, the limits in bytes and millicores, and the time left before the pod's
 * activeDeadlineSeconds. Anything the node cannot honour is a PodConfigError saying why.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '@wisp/api';
import type { ContainerConfig, ContainerLimits, PodRuntime } from '@wisp/core';
import { containerLogPath } from '@wisp/core/container-log.ts';
import { expandCommand, resolveEnv } from './env-resolve.ts';
import { PodConfigError } from './pod-config-error.ts';
import type { PodSources } from './pod-sources.ts';
import type { PodRecord } from './pod-records.ts';
import { materialiseVolumes, mountsOf } from './volumes.ts';

export interface ConfigContext {
  readonly dataDir: string;
  readonly nodeName: string;
  readonly hostIp: string;
  readonly allowHostPath: boolean;
  readonly runtime: PodRuntime;
  readonly sources: PodSources;
  readonly nowMs: number;
}

export interface ResolvedContainer {
  /** The spec with `$(VAR)` expanded in command and args. */
  readonly container: Container;
  readonly config: ContainerConfig;
}

export async function resolveContainer(
  ctx: ConfigContext,
  pod: Pod,
  record: PodRecord,
  spec: Container,
  restartCount: number,
): Promise<ResolvedContainer> {
  checkRuntimeClass(ctx.runtime, pod);
  checkProbes(ctx.runtime, spec);
  const env = resolveEnv(
    { pod, sources: ctx.sources, podIp: record.podIp, hostIp: ctx.hostIp, nodeName: ctx.nodeName },
    spec,
  );
  const hostDirs = await materialiseVolumes({
    dataDir: ctx.dataDir,
    pod,
    sources: ctx.sources,
    allowHostPath: ctx.allowHostPath,
  });
  const deadlineS = pod.spec?.activeDeadlineSeconds;
  const deadlineMs =
    deadlineS === undefined ? undefined : record.startTimeMs + deadlineS * 1000 - ctx.nowMs;
  const config: ContainerConfig = {
    env,
    mounts: mountsOf(pod, spec, hostDirs),
    logPath: containerLogPath(ctx.dataDir, record.uid, spec.name, restartCount),
    limits: limitsOf(spec),
    ...(deadlineMs !== undefined ? { deadlineMs: Math.max(0, deadlineMs) } : {}),
  };
  return { container: expandCommand(spec, env), config };
}

function checkRuntimeClass(runtime: PodRuntime, pod: Pod): void {
  const cls = pod.spec?.runtimeClassName;
  if (cls === undefined || runtime.runtimeClasses.includes(cls)) return;
  throw new PodConfigError(
    `spec.runtimeClassName: Unsupported value: "${cls}": this node runs ` +
      runtime.runtimeClasses.map((c) => `"${c}"`).join(', '),
  );
}

function checkProbes(runtime: PodRuntime, spec: Container): void {
  if (runtime.exec) return;
  for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
    if (spec[kind]?.exec) {
      throw new PodConfigError(
        `${kind}.exec: Unsupported value: this node's runtime cannot exec; ` +
          'use httpGet or tcpSocket',
      );
    }
  }
}

function limitsOf(spec: Container): ContainerLimits {
  const limits = spec.resources?.limits ?? {};
  const memory = limits.memory === undefined ? undefined : parseQuantity(String(limits.memory));
  const cpu = limits.cpu === undefined ? undefined : parseQuantity(String(limits.cpu));
  return {
    ...(memory ? { memoryBytes: memory.value() } : {}),
    ...(cpu ? { cpuMillis: cpu.milliValue() } : {}),
  };
}
