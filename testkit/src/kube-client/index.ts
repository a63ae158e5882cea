/**
 * A small typed Kubernetes REST client (node:https, keep-alive, client certificates or bearer
 * tokens, the cluster CA pinned) for tests, fake agents and tools.
 *
 *   const client = kubeClientFromKubeconfig(text);
 *   const node = await client.get(findResource('', 'nodes')!, undefined, 'edge-1');
 */
import type { Clock } from '@wisp/core';
import { createKubeClient } from './client.ts';
import type { KubeClient } from './client.ts';
import { parseKubeconfig } from './kubeconfig.ts';
import type { KubeconfigOptions } from './kubeconfig.ts';
import type { KubeClientInit } from './types.ts';

export * from './client.ts';
export * from './errors.ts';
export * from './kubeconfig.ts';
export * from './paths.ts';
export * from './types.ts';

/** A client from kubeconfig text; `overrides` win over what the file says. */
export function kubeClientFromKubeconfig(
  text: string,
  options: KubeconfigOptions & { overrides?: Partial<KubeClientInit>; clock?: Clock } = {},
): KubeClient {
  const init = { ...parseKubeconfig(text, options), ...options.overrides };
  return createKubeClient(init, { clock: options.clock });
}
