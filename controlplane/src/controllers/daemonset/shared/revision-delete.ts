/**
 * Deleting a ControllerRevision for a DaemonSet or StatefulSet: only the exact object read (uid
 * precondition), already-gone is fine, and the cache barrier learns the write so the next
 * reconcile waits for the informer to see it.
 */
import type { KubeObject } from '@wisp/api';
import { isWispError } from '@wisp/core';
import type { Informer } from '../../../informer/informer.ts';
import type { Registry } from '../../../registry/registry.ts';
import type { CacheBarrier } from './cache-barrier.ts';
import { CONTROLLER_REVISIONS } from './controller-history.ts';

export interface RevisionWriteContext {
  readonly registry: Registry;
  readonly barrier: CacheBarrier;
  readonly key: string;
  readonly revisions: Informer;
}

export async function deleteRevision(ctx: RevisionWriteContext, r: KubeObject): Promise<void> {
  try {
    const { object } = await ctx.registry.delete(
      CONTROLLER_REVISIONS,
      r.metadata.namespace,
      r.metadata.name!,
      { preconditions: { uid: r.metadata.uid } },
    );
    ctx.barrier.wrote(ctx.key, ctx.revisions, object.metadata.resourceVersion);
  } catch (e) {
    if (!isWispError(e, 'ERR_NOT_FOUND')) throw e;
  }
}
