/**
 * Small helpers shared by the runtime conformance cases: a sandbox spec, a container config
 * whose log goes under the case directory, and reading a container's current state.
 */
import { join } from 'node:path';
import type { Container } from 'kubernetes-types/core/v1.js';
import type {
  ContainerConfig,
  ContainerState,
  PodRuntime,
  SandboxRef,
  SandboxSpec,
} from '@wisp/core';

let next = 1;

export function sandboxSpec(name = `pod-${next++}`): SandboxSpec {
  const n = next++;
  return {
    uid: `uid-${name}-${n}`,
    namespace: 'default',
    name,
    podIp: `10.42.9.${(n % 250) + 2}`,
  };
}

export function container(image: string, name = 'app'): Container {
  return { name, image };
}

export function config(dir: string, name: string): ContainerConfig {
  return { env: [], mounts: [], logPath: join(dir, 'logs', `${name}.log`), limits: {} };
}

export async function stateOf(
  runtime: PodRuntime,
  sandbox: SandboxRef,
  id: string,
): Promise<ContainerState | undefined> {
  return (await runtime.status(sandbox))?.containers.find((c) => c.id === id)?.current;
}

/** The exited state, once the container has exited. */
export async function exitedOf(runtime: PodRuntime, sandbox: SandboxRef, id: string) {
  const s = await stateOf(runtime, sandbox, id);
  return s?.state === 'exited' ? s : undefined;
}
