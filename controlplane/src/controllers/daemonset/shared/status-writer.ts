/**
 * Writes an owner's status through the status subresource, only when it changed, as a
 * compare-and-swap on the version the controller decided from: a status computed from an object
 * someone has since changed is retried rather than written over the change.
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import type { Informer } from '../../../informer/informer.ts';
import type { Registry } from '../../../registry/registry.ts';
import { FIELD_MANAGER } from '../../replicaset/controller-ref.ts';
import type { CacheBarrier } from './cache-barrier.ts';
import { stableStringify } from './controller-history.ts';

export interface StatusWriteContext {
  readonly registry: Registry;
  readonly barrier: CacheBarrier;
  readonly key: string;
  /** The owner's cache. */
  readonly informer: Informer;
}

/** Returns the object as stored afterwards (the input when nothing changed). */
export async function writeStatus<T extends KubeObject>(
  ctx: StatusWriteContext,
  info: ResourceInfo,
  obj: T,
  status: unknown,
): Promise<T> {
  if (stableStringify(obj.status ?? {}) === stableStringify(status)) return obj;
  const updated = await ctx.registry.update(
    info,
    obj.metadata.namespace,
    { ...obj, status },
    { subresource: 'status', fieldManager: FIELD_MANAGER },
  );
  ctx.barrier.wrote(ctx.key, ctx.informer, updated.metadata.resourceVersion);
  return updated as T;
}
