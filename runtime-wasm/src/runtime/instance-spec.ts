/**
 * A container's `InstanceSpec`: argv from command and args, env from the resolved pairs (nothing
 * of the agent's own environment), the pod's mounts as preopens, the memory cap from the limit.
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import type { ContainerConfig } from '@wisp/core';
import type { ContainerLog } from '@wisp/core/container-log.ts';
import type { ComponentWorld, InstanceSpec } from './engine.ts';
import { memoryBytesDefault } from './wasm-defaults.ts';

export function instanceSpecOf(
  container: Container,
  config: ContainerConfig,
  component: { dir: string; world: ComponentWorld },
  log: ContainerLog,
): InstanceSpec {
  const args = [container.name, ...(container.command ?? []), ...(container.args ?? [])];
  const { cpuMillis } = config.limits;
  const deadlineMs = config.deadlineMs === undefined ? undefined : Math.max(0, config.deadlineMs);
  const cpuMsMax =
    cpuMillis === undefined || deadlineMs === undefined
      ? undefined
      : Math.ceil((cpuMillis * deadlineMs) / 1000);
  return {
    componentDir: component.dir,
    world: component.world,
    args,
    env: config.env.map((e) => [e.name, e.value] as [string, string]),
    preopens: config.mounts.map((m) => ({
      guestPath: m.containerPath,
      hostPath: m.hostPath,
      readOnly: m.readOnly,
    })),
    memoryBytesMax: config.limits.memoryBytes ?? memoryBytesDefault,
    ...(deadlineMs !== undefined ? { deadlineMs } : {}),
    ...(cpuMsMax !== undefined ? { cpuMsMax } : {}),
    stdout: (chunk) => log.write('stdout', chunk),
    stderr: (chunk) => log.write('stderr', chunk),
  };
}

/** A bounded integer from a pod annotation, else the default; bad values are ignored. */
export function annotationInt(
  annotations: Readonly<Record<string, string>> | undefined,
  key: string,
  fallback: number,
  max: number,
): number {
  const raw = annotations?.[key];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return fallback;
  const n = Number(raw.trim());
  return n >= 1 && n <= max ? n : fallback;
}
