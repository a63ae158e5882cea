/**
 * The writes the node monitor makes: a silent node's conditions, a node's taints, and the Ready
 * condition of the pods on a silent node. Each is a read-modify-write that changes nothing
 * when the object is already right.
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import { isWispError, rfc3339 } from '@wisp/core';
import type { Clock } from '@wisp/core';
import type { Informer } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';
import type { EventRecorder } from '../framework/events.ts';
import { conditionsWhenSilent, reconciledTaints } from './node-health.ts';

export interface NodeWriteDeps {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly pods: Informer;
}

const NODES = findResource('', 'nodes')!;
const PODS = findResource('', 'pods')!;

export class Gone extends Error {}

/** Marks the node's reported conditions Unknown; true when that changed anything. */
export async function markSilent(d: NodeWriteDeps, name: string): Promise<boolean> {
  let changed = false;
  const now = rfc3339(d.clock.now());
  await d.registry.modify(
    NODES,
    undefined,
    name,
    (node) => {
      if (!node) throw new Gone();
      const conditions = conditionsWhenSilent(node, now);
      changed = conditions !== undefined;
      if (conditions) node.status = { ...(node.status as object), conditions };
      return node;
    },
    { subresource: 'status' },
  );
  return changed;
}

export async function syncTaints(d: NodeWriteDeps, name: string): Promise<void> {
  const now = rfc3339(d.clock.now());
  await d.registry.modify(NODES, undefined, name, (node) => {
    if (!node) throw new Gone();
    const taints = reconciledTaints(node, now);
    if (taints) {
      const spec = (node.spec ??= {}) as { taints?: unknown[] };
      if (taints.length > 0) spec.taints = taints;
      else delete spec.taints;
    }
    return node;
  });
}

type Conditions = { type: string; status: string; lastTransitionTime?: string }[];

const readyNotFalse = (pod: KubeObject) =>
  ((pod.status as { conditions?: Conditions } | undefined)?.conditions ?? []).some(
    (c) => c.type === 'Ready' && c.status !== 'False',
  );

/** Pods on a silent node cannot be reached: take them out of Service endpoints. */
export async function markPodsNotReady(d: NodeWriteDeps, nodeName: string): Promise<void> {
  const now = rfc3339(d.clock.now());
  for (const pod of d.pods.list()) {
    if ((pod.spec as { nodeName?: string }).nodeName !== nodeName || !readyNotFalse(pod)) continue;
    try {
      await d.registry.modify(
        PODS,
        pod.metadata.namespace,
        pod.metadata.name!,
        (p) => {
          if (!p || p.metadata.uid !== pod.metadata.uid) throw new Gone();
          for (const c of (p.status as { conditions?: Conditions }).conditions ?? []) {
            if (c.type === 'Ready' && c.status !== 'False') {
              Object.assign(c, { status: 'False', lastTransitionTime: now });
            }
          }
          return p;
        },
        { subresource: 'status' },
      );
      await d.events.record(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    } catch (e) {
      if (!(e instanceof Gone) && !isWispError(e, 'ERR_NOT_FOUND')) throw e;
    }
  }
}
