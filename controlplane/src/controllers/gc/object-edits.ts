/**
 * The writes the garbage collector makes, each aimed at one exact object (by uid) so that a new
 * object of the same name is never touched, and each treating "already gone" as done.
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { isWispError } from '@wisp/core';
import type { Registry } from '../../registry/registry.ts';
import { parseItemKey } from './owner-index.ts';

export type Find = (key: string) => { info: ResourceInfo; obj: KubeObject | undefined } | undefined;

export interface ObjectEdits {
  remove(key: string, policy: 'Background' | 'Foreground'): Promise<void>;
  dropFinalizer(key: string, finalizer: string): Promise<void>;
  dropOwners(key: string, uids: readonly string[]): Promise<void>;
}

class Gone extends Error {}

function ignoreGone(e: unknown): void {
  if (e instanceof Gone || isWispError(e, 'ERR_NOT_FOUND') || isWispError(e, 'ERR_CONFLICT')) {
    return;
  }
  throw e;
}

export function createObjectEdits(registry: Registry, find: Find): ObjectEdits {
  async function edit(key: string, change: (obj: KubeObject) => void): Promise<void> {
    const found = find(key);
    if (!found?.obj) return;
    const { namespace, name } = parseItemKey(key);
    const uid = found.obj.metadata.uid;
    await registry
      .modify(found.info, namespace, name, (obj) => {
        if (!obj || obj.metadata.uid !== uid) throw new Gone();
        change(obj);
        return obj;
      })
      .catch(ignoreGone);
  }

  return {
    async remove(key, policy) {
      const found = find(key);
      if (!found?.obj || found.obj.metadata.deletionTimestamp) return;
      const { namespace, name } = parseItemKey(key);
      const options = { propagationPolicy: policy, preconditions: { uid: found.obj.metadata.uid } };
      await registry.delete(found.info, namespace, name, options).catch(ignoreGone);
    },
    dropFinalizer: (key, finalizer) =>
      edit(key, (obj) => {
        obj.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
        if (obj.metadata.finalizers.length === 0) delete obj.metadata.finalizers;
      }),
    dropOwners: (key, uids) =>
      edit(key, (obj) => {
        const refs = (obj.metadata.ownerReferences ?? []).filter((r) => !uids.includes(r.uid));
        if (refs.length > 0) obj.metadata.ownerReferences = refs;
        else delete obj.metadata.ownerReferences;
      }),
  };
}
