/**
 * Objects every cluster has from its first start: the system namespaces and the default RBAC
 * policy. Created when missing, never overwritten, so an operator's edits survive restarts.
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { findKind } from '@wisp/api';
import { isWispError } from '@wisp/core';
import type { Registry } from '../registry/registry.ts';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function systemNamespaces(): KubeObject[] {
  return SYSTEM_NAMESPACES.map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  }));
}

/**
 * The RuntimeClasses agents serve: `wasm` (the component runtime every agent has). Pods select
 * it with `runtimeClassName: wasm`; the scheduler places them on nodes whose `wisp.dev/runtimes`
 * label names the handler.
 */
export function runtimeClasses(): KubeObject[] {
  return [
    {
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: { name: 'wasm', labels: { 'app.kubernetes.io/managed-by': 'wisp' } },
      handler: 'wasm',
    } as KubeObject,
  ];
}

/** Creates each object unless one of that name exists. Namespaces must come first. */
export async function ensureObjects(registry: Registry, objects: KubeObject[]): Promise<number> {
  let created = 0;
  for (const obj of objects) {
    const info = findKind(obj.apiVersion ?? '', obj.kind ?? '');
    if (!info) throw new Error(`bootstrap: unknown kind ${obj.apiVersion}/${obj.kind}`);
    // Look first: admission (a ClusterIP already taken by this very object) would refuse a
    // second create before the store could answer that the object exists.
    const ns = info.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
    if (await exists(registry, info, ns, obj.metadata.name!)) continue;
    try {
      await registry.create(info, ns, obj, { fieldManager: 'wisp-bootstrap' });
      created++;
    } catch (e) {
      if (!isWispError(e, 'ERR_ALREADY_EXISTS')) throw e;
    }
  }
  return created;
}

async function exists(
  registry: Registry,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
): Promise<boolean> {
  try {
    await registry.get(info, namespace, name);
    return true;
  } catch (e) {
    if (isWispError(e, 'ERR_NOT_FOUND')) return false;
    throw e;
  }
}
