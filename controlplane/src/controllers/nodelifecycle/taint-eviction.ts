/**
 * The NoExecute taint manager: a pod on a node with NoExecute taints is deleted (grace 0: its
 * node is not there to stop it, and its owner replaces it elsewhere) once its tolerations for
 * those taints run out, counted from each taint's `timeAdded`. A pod that tolerates the taints
 * without `tolerationSeconds` stays for good: that is how edge pods ride out a lost uplink.
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import type { Clock } from '@wisp/core';
import { isWispError } from '@wisp/core';
import type { Informer } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';
import type { ReconcileResult } from '../framework/controller.ts';
import type { EventRecorder } from '../framework/events.ts';
import { asNode } from './node-health.ts';
import { evictionPlan, type Taint, type Toleration } from './tolerations.ts';

export interface TaintEvictionDeps {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly nodes: Informer;
  readonly pods: Informer;
}

const PODS = findResource('', 'pods')!;

export function noExecuteTaints(node: KubeObject | undefined): Taint[] {
  if (!node) return [];
  return (asNode(node).spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

export function createTaintEviction(d: TaintEvictionDeps) {
  async function evict(pod: KubeObject): Promise<void> {
    const m = pod.metadata;
    try {
      await d.registry.delete(PODS, m.namespace, m.name!, {
        gracePeriodSeconds: 0,
        preconditions: { uid: m.uid },
      });
    } catch (e) {
      // Already gone, or replaced by a new pod of the same name: nothing left to evict.
      if (isWispError(e, 'ERR_NOT_FOUND') || isWispError(e, 'ERR_CONFLICT')) return;
      throw e;
    }
    await d.events.record(
      pod,
      'Normal',
      'TaintManagerEviction',
      `Marking for deletion Pod ${m.namespace}/${m.name}`,
    );
  }

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const slash = key.indexOf('/');
    const pod = d.pods.get(key.slice(0, slash), key.slice(slash + 1));
    const nodeName = (pod?.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!pod || !nodeName) return;
    const taints = noExecuteTaints(d.nodes.get(undefined, nodeName));
    if (taints.length === 0) return;
    const tolerations = (pod.spec as { tolerations?: Toleration[] }).tolerations ?? [];
    const now = d.clock.now();
    const plan = evictionPlan(taints, tolerations, now);
    if (plan.kind === 'never') return;
    if (plan.kind === 'at' && plan.atMs > now) return { requeueAfterMs: plan.atMs - now };
    await evict(pod);
  }

  return { reconcile };
}
