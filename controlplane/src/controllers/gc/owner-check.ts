/**
 * Sorting an object's ownerReferences by what their owners are doing, as upstream's garbage
 * collector does before it decides anything: `solid` owners exist, `dangling` ones are gone (or
 * were replaced by a new object of the same name), `waiting` ones exist but are being deleted in
 * the foreground and wait for their dependents. A cache miss is confirmed with a live read, so
 * an owner created a moment ago is not mistaken for a missing one.
 */
import type { KubeObject, OwnerReference, ResourceInfo } from '@wisp/api';
import { findKind } from '@wisp/api';
import { isWispError } from '@wisp/core';
import type { Informer } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

export interface OwnerStates {
  readonly solid: OwnerReference[];
  readonly dangling: OwnerReference[];
  readonly waiting: OwnerReference[];
}

export interface OwnerLookup {
  readonly registry: Registry;
  informerOf(info: ResourceInfo): Informer | undefined;
}

async function findOwner(
  l: OwnerLookup,
  info: ResourceInfo,
  ns: string | undefined,
  ref: OwnerReference,
): Promise<KubeObject | undefined> {
  const cached = l.informerOf(info)?.get(ns, ref.name);
  if (cached?.metadata.uid === ref.uid) return cached;
  try {
    const live = await l.registry.get(info, ns, ref.name);
    return live.metadata.uid === ref.uid ? live : undefined;
  } catch (e) {
    if (isWispError(e, 'ERR_NOT_FOUND')) return undefined;
    throw e;
  }
}

export async function classifyOwners(l: OwnerLookup, obj: KubeObject): Promise<OwnerStates> {
  const states: OwnerStates = { solid: [], dangling: [], waiting: [] };
  for (const ref of obj.metadata.ownerReferences ?? []) {
    const info = findKind(ref.apiVersion, ref.kind);
    // A kind this server does not serve cannot be judged; leave the dependent alone.
    if (!info || info.virtual) {
      states.solid.push(ref);
      continue;
    }
    // A cluster-scoped object cannot be owned by a namespaced one.
    if (info.namespaced && !obj.metadata.namespace) {
      states.dangling.push(ref);
      continue;
    }
    const owner = await findOwner(
      l,
      info,
      info.namespaced ? obj.metadata.namespace : undefined,
      ref,
    );
    if (!owner) states.dangling.push(ref);
    else if (owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND)) {
      states.waiting.push(ref);
    } else states.solid.push(ref);
  }
  return states;
}
