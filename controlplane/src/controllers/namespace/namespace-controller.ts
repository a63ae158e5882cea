/**
 * The namespace controller: a namespace being deleted (it has a deletionTimestamp and phase
 * Terminating) is emptied — every namespaced object in it is deleted — and once nothing is left
 * its `kubernetes` finalizer is taken out of `spec.finalizers`, which removes it. Objects that
 * take time to go (pods stopping on their nodes, objects with finalizers) are waited for by
 * looking again every `contentRecheckMs`.
 *
 *   const c = createNamespaceController({}, { registry, informers, clock });
 *   await informers.start(); c.start();
 */
import type { KubeObject } from '@wisp/api';
import { findResource, RESOURCES } from '@wisp/api';
import type { Clock } from '@wisp/core';
import { isWispError } from '@wisp/core';
import type { InformerFactory } from '../../informer/factory.ts';
import type { Registry } from '../../registry/registry.ts';
import {
  createController,
  type Controller,
  type ReconcileResult,
} from '../framework/controller.ts';

export interface NamespaceInit {
  readonly workers?: number;
  /** How long to wait before looking again at content that is still going. Default 2 000. */
  readonly contentRecheckMs?: number;
}

export interface NamespaceComponents {
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly clock: Clock;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface NamespaceController extends Controller {
  reconcile(name: string): Promise<ReconcileResult | void>;
}

export const KUBERNETES_FINALIZER = 'kubernetes';
const NAMESPACES = findResource('', 'namespaces')!;
/** Stored namespaced kinds; Events last, so deletions can still be reported while emptying. */
const CONTENT = [...RESOURCES.filter((r) => r.namespaced && !r.virtual)].sort(
  (a, b) => Number(a.kind === 'Event') - Number(b.kind === 'Event'),
);

const ignoreGone = (e: unknown) => {
  if (!isWispError(e, 'ERR_NOT_FOUND') && !isWispError(e, 'ERR_CONFLICT')) throw e;
};

export function createNamespaceController(
  init: NamespaceInit,
  c: NamespaceComponents,
): NamespaceController {
  const recheckMs = init.contentRecheckMs ?? 2_000;
  const namespaces = c.informers.for(NAMESPACES);

  /** Deletes what is left in `ns`; returns how many objects are still there. */
  async function empty(ns: string): Promise<number> {
    let remaining = 0;
    for (const info of CONTENT) {
      const { items } = await c.registry.list(info, ns);
      for (const obj of items) {
        if (obj.metadata.deletionTimestamp) {
          remaining++;
          continue;
        }
        const options = { preconditions: { uid: obj.metadata.uid } };
        const result = await c.registry
          .delete(info, ns, obj.metadata.name!, options)
          .catch((e) => ignoreGone(e));
        if (result && !result.deleted) remaining++;
      }
    }
    return remaining;
  }

  async function finalize(name: string): Promise<void> {
    let left: KubeObject | undefined;
    await c.registry
      .modify(NAMESPACES, undefined, name, (ns) => {
        if (!ns) throw new Gone();
        const spec = (ns.spec ??= {}) as { finalizers?: string[] };
        spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER);
        return ns;
      })
      .then((r) => (left = r.object))
      .catch((e) => (e instanceof Gone ? undefined : ignoreGone(e)));
    // The registry removes a terminating namespace on that update; if it did not (other
    // finalizers remain, or a registry that waits for an explicit delete), ask for it.
    const spec = left?.spec as { finalizers?: string[] } | undefined;
    const stillThere = left && left.metadata.deletionTimestamp !== undefined;
    if (stillThere && !spec?.finalizers?.length && !left!.metadata.finalizers?.length) {
      const exists = await c.registry.get(NAMESPACES, undefined, name).catch(() => undefined);
      if (exists) await c.registry.delete(NAMESPACES, undefined, name).catch(ignoreGone);
    }
  }

  async function reconcile(name: string): Promise<ReconcileResult | void> {
    const ns = namespaces.get(undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    const finalizers = (ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    if (!finalizers.includes(KUBERNETES_FINALIZER)) return;
    if ((await empty(name)) > 0) return { requeueAfterMs: recheckMs };
    await finalize(name);
  }

  const controller = createController(
    { name: 'namespace', workers: init.workers ?? 1 },
    { clock: c.clock, reconcile, log: c.log },
  );
  namespaces.onChange((key, obj) => {
    if (obj?.metadata.deletionTimestamp) controller.enqueue(key);
  });
  return Object.assign(controller, { reconcile });
}

class Gone extends Error {}
