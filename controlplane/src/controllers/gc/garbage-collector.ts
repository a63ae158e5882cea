/**
 * The garbage collector: deletes objects whose owners (by uid) are gone, and carries out the
 * two deletion modes an owner can ask for with a finalizer: `foregroundDeletion` (delete the
 * dependents first, and remove the owner only when no dependent with blockOwnerDeletion is
 * left) and `orphan` (strip the owner's references from its dependents, then remove it).
 * It watches every stored kind except Events, since any of them may carry ownerReferences.
 *
 *   const gc = createGarbageCollectorController({}, { registry, informers, clock });
 *   await informers.start(); gc.start();
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { RESOURCES } from '@wisp/api';
import type { Clock } from '@wisp/core';
import type { InformerFactory } from '../../informer/factory.ts';
import type { Informer } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';
import {
  createController,
  type Controller,
  type ReconcileResult,
} from '../framework/controller.ts';
import { createObjectEdits, type Find } from './object-edits.ts';
import { classifyOwners, FOREGROUND, ORPHAN } from './owner-check.ts';
import { itemKey, OwnerIndex, parseItemKey, resourceId } from './owner-index.ts';

export interface GarbageCollectorInit {
  readonly workers?: number;
  /** Kinds left out (by `plural` or `plural.group`). Default: events. */
  readonly ignoredResources?: readonly string[];
}

export interface GarbageCollectorComponents {
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly clock: Clock;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface GarbageCollector extends Controller {
  /** Looks at one object, keyed `<plural[.group]>/<namespace>/<name>` (or without namespace). */
  reconcile(key: string): Promise<ReconcileResult | void>;
}

interface Watched {
  readonly info: ResourceInfo;
  readonly informer: Informer;
}

interface Dependent {
  readonly key: string;
  readonly obj: KubeObject;
}

export function createGarbageCollectorController(
  init: GarbageCollectorInit,
  c: GarbageCollectorComponents,
): GarbageCollector {
  const ignored = new Set(init.ignoredResources ?? ['events']);
  const watched = new Map<string, Watched>();
  for (const info of RESOURCES) {
    if (info.virtual || ignored.has(resourceId(info))) continue;
    watched.set(resourceId(info), { info, informer: c.informers.for(info) });
  }
  const index = new OwnerIndex();
  const find: Find = (key) => {
    const { resource, namespace, name } = parseItemKey(key);
    const w = watched.get(resource);
    return w && { info: w.info, obj: w.informer.get(namespace, name) };
  };
  const edits = createObjectEdits(c.registry, find);
  const lookup = {
    registry: c.registry,
    informerOf: (info: ResourceInfo) => watched.get(resourceId(info))?.informer,
  };

  /** Dependents of `owner` still naming it, as the caches see them. */
  function dependents(owner: KubeObject): Dependent[] {
    const uid = owner.metadata.uid!;
    return index
      .dependentsOf(uid)
      .map((key) => ({ key, obj: find(key)?.obj }))
      .filter((d): d is Dependent => !!d.obj?.metadata.ownerReferences?.some((r) => r.uid === uid));
  }

  async function foreground(key: string, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid!;
    const deps = dependents(owner);
    for (const d of deps) {
      await edits.remove(d.key, dependents(d.obj).length > 0 ? 'Foreground' : 'Background');
    }
    const blocking = deps.filter((d) =>
      d.obj.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion),
    );
    // The owner goes once the blocking dependents are gone; their removal enqueues it again.
    if (blocking.length === 0) await edits.dropFinalizer(key, FOREGROUND);
  }

  async function judge(key: string, obj: KubeObject): Promise<void> {
    if ((obj.metadata.ownerReferences ?? []).length === 0) return;
    const { solid, dangling, waiting } = await classifyOwners(lookup, obj);
    if (solid.length > 0) {
      const stale = [...dangling, ...waiting].map((r) => r.uid);
      if (stale.length > 0) await edits.dropOwners(key, stale);
      return;
    }
    const cascade = waiting.length > 0 && dependents(obj).length > 0;
    await edits.remove(key, cascade ? 'Foreground' : 'Background');
  }

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const obj = find(key)?.obj;
    if (!obj) return;
    if (!obj.metadata.deletionTimestamp) return judge(key, obj);
    const finalizers = obj.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN)) {
      for (const d of dependents(obj)) await edits.dropOwners(d.key, [obj.metadata.uid!]);
      await edits.dropFinalizer(key, ORPHAN);
    } else if (finalizers.includes(FOREGROUND)) await foreground(key, obj);
  }

  const controller = createController(
    { name: 'garbage-collector', workers: init.workers ?? 4 },
    { clock: c.clock, reconcile, log: c.log },
  );
  const onChange = changeHandler(index, (key) => controller.enqueue(key));
  for (const { info, informer } of watched.values()) {
    informer.onChange((_key, obj, old) => onChange(itemKey(info, (obj ?? old)!), obj, old));
  }
  return Object.assign(controller, { reconcile });
}

/** What a change to one object puts on the queue (after recording it in the index). */
function changeHandler(index: OwnerIndex, enqueue: (key: string) => void) {
  const refs = (o?: KubeObject) => JSON.stringify(o?.metadata.ownerReferences ?? []);
  return (key: string, obj: KubeObject | undefined, old: KubeObject | undefined): void => {
    index.update(key, obj, old);
    const refsChanged = refs(obj) !== refs(old);
    const startedDeleting = !!obj?.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp;
    if (obj && (!old || refsChanged || startedDeleting)) enqueue(key);
    // An owner that goes, or starts going, changes what its dependents should do.
    if (!obj || startedDeleting) {
      for (const dep of index.dependentsOf((obj ?? old)!.metadata.uid!)) enqueue(dep);
    }
    // A dependent that goes, or lets go, may be what a foreground deletion waits for.
    if (!obj || refsChanged) {
      for (const ref of old?.metadata.ownerReferences ?? []) {
        const ownerKey = index.keyOf(ref.uid);
        if (ownerKey) enqueue(ownerKey);
      }
    }
  };
}
