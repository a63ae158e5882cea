/**
 * Claiming owned objects (adopt matching orphans, release what no longer matches) with writes the
 * cache barrier knows about: a reconcile that ran before the cache saw an adoption would find
 * the object still orphaned, fail to adopt it again and act as if it did not exist.
 *
 *   const pods = await claim(ctx, PODS, ds, DAEMONSETS, DAEMONSET_KIND, selector, candidates);
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import type { Selector } from '@wisp/api/labels/index.ts';
import { isWispError } from '@wisp/core';
import type { Informer } from '../../../informer/informer.ts';
import type { Registry } from '../../../registry/registry.ts';
import {
  FIELD_MANAGER,
  controllerRefOf,
  newControllerRef,
} from '../../replicaset/controller-ref.ts';
import type { OwnerKind } from '../../replicaset/controller-ref.ts';
import type { CacheBarrier } from './cache-barrier.ts';
import { StaleObjectError } from './errors.ts';

export interface ClaimContext {
  readonly registry: Registry;
  readonly barrier: CacheBarrier;
  /** The owner's work-queue key. */
  readonly key: string;
  /** The cache of the claimed resource. */
  readonly informer: Informer;
}

export interface ClaimTarget {
  readonly info: ResourceInfo;
  readonly owner: KubeObject;
  readonly ownerInfo: ResourceInfo;
  readonly ownerKind: OwnerKind;
  readonly selector: Selector;
  /** Extra changes made with the reference (a Job's tracking finalizer). */
  readonly onAdopt?: (obj: KubeObject) => void;
  readonly onRelease?: (obj: KubeObject) => void;
}

export async function claim(
  ctx: ClaimContext,
  target: ClaimTarget,
  candidates: readonly KubeObject[],
): Promise<KubeObject[]> {
  const { owner, selector } = target;
  const ownerDeleting = owner.metadata.deletionTimestamp !== undefined;
  const claimed: KubeObject[] = [];
  let adoptable: boolean | undefined;
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    const matches = selector.matches(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches) claimed.push(obj);
      else if (!ownerDeleting) await release(ctx, target, obj);
      continue;
    }
    if (ownerDeleting || !matches || obj.metadata.deletionTimestamp) continue;
    if (obj.metadata.namespace !== owner.metadata.namespace) continue;
    adoptable ??= await canAdopt(ctx, target);
    if (!adoptable) continue;
    const adopted = await adopt(ctx, target, obj);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

/** Re-reads the owner uncached: adoption stops once it is gone, replaced or being deleted. */
async function canAdopt(ctx: ClaimContext, target: ClaimTarget): Promise<boolean> {
  const { owner } = target;
  try {
    const fresh = await ctx.registry.get(
      target.ownerInfo,
      owner.metadata.namespace,
      owner.metadata.name!,
    );
    return fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp;
  } catch (e) {
    if (isWispError(e, 'ERR_NOT_FOUND')) return false;
    throw e;
  }
}

function adopt(ctx: ClaimContext, target: ClaimTarget, obj: KubeObject) {
  return write(ctx, target, obj, (cur) => {
    if (controllerRefOf(cur) || cur.metadata.deletionTimestamp) {
      throw new StaleObjectError(target.info, cur.metadata.name!);
    }
    dropRef(cur, target.owner.metadata.uid);
    cur.metadata.ownerReferences = [
      ...(cur.metadata.ownerReferences ?? []),
      newControllerRef(target.owner, target.ownerKind),
    ];
    target.onAdopt?.(cur);
  });
}

async function release(ctx: ClaimContext, target: ClaimTarget, obj: KubeObject): Promise<void> {
  await write(ctx, target, obj, (cur) => {
    dropRef(cur, target.owner.metadata.uid);
    target.onRelease?.(cur);
  });
}

function dropRef(cur: KubeObject, ownerUid: string | undefined): void {
  const refs = (cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  if (refs.length > 0) cur.metadata.ownerReferences = refs;
  else delete cur.metadata.ownerReferences;
}

/** The object as stored after `change`, or undefined when it vanished or was replaced. */
async function write(
  ctx: ClaimContext,
  target: ClaimTarget,
  obj: KubeObject,
  change: (cur: KubeObject) => void,
): Promise<KubeObject | undefined> {
  const name = obj.metadata.name!;
  try {
    const { object } = await ctx.registry.modify(
      target.info,
      target.owner.metadata.namespace,
      name,
      (cur) => {
        if (!cur || cur.metadata.uid !== obj.metadata.uid) {
          throw new StaleObjectError(target.info, name);
        }
        change(cur);
        return cur;
      },
      { fieldManager: FIELD_MANAGER },
    );
    ctx.barrier.wrote(ctx.key, ctx.informer, object.metadata.resourceVersion);
    return object;
  } catch (e) {
    if (isWispError(e, 'ERR_NOT_FOUND')) return undefined;
    throw e;
  }
}
