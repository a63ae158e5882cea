/**
 * Objects every cluster has from its first start: the system namespaces and the default RBAC
 * policy. Created when missing, never overwritten, so an operator's edits survive restarts.
 */
import type { KubeObject } from '@wisp/api';
import { findKind, findResource } from '@wisp/api';
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

/** Creates each object unless one of that name exists. Namespaces must come first. */
export async function ensureObjects(registry: Registry, objects: KubeObject[]): Promise<number> {
  let created = 0;
  for (const obj of objects) {
    const info = findKind(obj.apiVersion ?? '', obj.kind ?? '');
    if (!info) throw new Error(`bootstrap: unknown kind ${obj.apiVersion}/${obj.kind}`);
    try {
      await registry.create(info, obj.metadata.namespace, obj, { fieldManager: 'wisp-bootstrap' });
      created++;
    } catch (e) {
      if (!isWispError(e, 'ERR_ALREADY_EXISTS')) throw e;
    }
  }
  return created;
}

export const NAMESPACES = findResource('', 'namespaces')!;
