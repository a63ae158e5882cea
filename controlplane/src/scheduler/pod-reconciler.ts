/**
 * One scheduling attempt for one pod key: read the pod and nodes from the informers, decide with
 * the pure `schedule`, and carry out the outcome. The decision and the assumption that the pod
 * now sits on its node happen in one synchronous step, so concurrent attempts never both count
 * the same free capacity; only the writes after it are awaited.
 *
 *   const r = createPodReconciler(init, deps);
 *   await r.reconcile('default/web-1');  // binds, or returns { requeueAfterMs } when no node fits
 */
import type { KubeObject } from '@wisp/api/meta.ts';
import type { Clock, Random } from '@wisp/core';
import { isWispError, rfc3339 } from '@wisp/core';
import type { ReconcileResult } from '../controllers/framework/controller.ts';
import type { EventRecorder } from '../controllers/framework/events.ts';
import { splitObjectKey, type Informer } from '../informer/informer.ts';
import type { bindPod } from '../registry/pod-binding.ts';
import type { Registry } from '../registry/registry.ts';
import { writePodScheduled } from './pod-scheduled.ts';
import type { PodScheduledWanted } from './pod-scheduled.ts';
import { schedule } from './schedule.ts';
import type { SchedulerCache } from './scheduler-cache.ts';
import type { Node, Pod, RuntimeClass, ScoreWeights } from './types.ts';

/** The field manager of the scheduler's writes, as kube-scheduler's. */
const FIELD_MANAGER = 'kube-scheduler';

export interface PodReconcilerInit {
  readonly unschedulableBackoffBaseMs: number;
  readonly unschedulableBackoffMaxMs: number;
  readonly weights?: Partial<ScoreWeights>;
}

export interface PodReconcilerDeps {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: EventRecorder;
  readonly bind: typeof bindPod;
  readonly pods: Informer;
  readonly nodes: Informer;
  readonly runtimeClasses: Informer;
  /** Namespace labels, for `namespaceSelector` in pod affinity terms. */
  readonly namespaces: Informer;
  readonly cache: SchedulerCache;
  /** Whether this scheduler should place the pod now. */
  readonly needsNode: (pod: KubeObject) => boolean;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface PodReconciler {
  reconcile(key: string): Promise<ReconcileResult | void>;
  /** Keys of pods no node fits, with their failed attempts in a row. */
  readonly unschedulable: Map<string, number>;
}

export function createPodReconciler(init: PodReconcilerInit, d: PodReconcilerDeps): PodReconciler {
  const unschedulable = new Map<string, number>();
  const runtimeClass = (n: string) =>
    d.runtimeClasses.get(undefined, n) as RuntimeClass | undefined;
  const namespaceLabels = (n: string) => d.namespaces.get(undefined, n)?.metadata.labels;

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    d.cache.expire(d.clock.monotonic());
    const { namespace, name } = splitObjectKey(key);
    const obj = d.pods.get(namespace, name);
    if (!obj || !d.needsNode(obj) || d.cache.isAssumed(key)) {
      unschedulable.delete(key);
      return;
    }
    const nodes = d.nodes.list() as Node[];
    const options = {
      random: d.random,
      runtimeClass,
      weights: init.weights,
      podIndex: d.cache.podIndex(),
      namespaceLabels,
    };
    const result = schedule(obj as Pod, nodes, d.cache.podsOnNodes(), options);
    if ('node' in result) return bind(key, obj, result.node);
    return markUnschedulable(key, obj, result.message);
  }

  async function bind(key: string, pod: KubeObject, node: string): Promise<void> {
    d.cache.assume(key, pod as Pod, node);
    const { namespace, name } = pod.metadata;
    try {
      await d.bind(d.registry, namespace!, name!, node, { fieldManager: FIELD_MANAGER });
    } catch (e) {
      d.cache.forget(key);
      // Bound elsewhere, being deleted or gone: the informer brings the pod back if it matters.
      if (isWispError(e, 'ERR_CONFLICT') || isWispError(e, 'ERR_NOT_FOUND')) return;
      throw e;
    }
    d.cache.finishBinding(key, d.clock.monotonic());
    unschedulable.delete(key);
    const message = `Successfully assigned ${namespace}/${name} to ${node}`;
    await Promise.all([
      writeCondition(pod, { status: 'True' }, false),
      d.events.record(pod, 'Normal', 'Scheduled', message),
    ]);
  }

  async function markUnschedulable(
    key: string,
    pod: KubeObject,
    message: string,
  ): Promise<ReconcileResult> {
    const attempts = (unschedulable.get(key) ?? 0) + 1;
    unschedulable.set(key, attempts);
    await Promise.all([
      writeCondition(pod, { status: 'False', reason: 'Unschedulable', message }, true),
      d.events.record(pod, 'Warning', 'FailedScheduling', message),
    ]);
    const step = init.unschedulableBackoffBaseMs * 2 ** Math.min(attempts - 1, 30);
    return { requeueAfterMs: Math.min(init.unschedulableBackoffMaxMs, step) };
  }

  /** A condition is information about the pod: failing to write it does not undo a binding. */
  async function writeCondition(
    pod: KubeObject,
    want: PodScheduledWanted,
    onlyIfUnbound: boolean,
  ): Promise<void> {
    const now = rfc3339(d.clock.now());
    try {
      const options = { onlyIfUnbound, fieldManager: FIELD_MANAGER };
      await writePodScheduled(d.registry, pod, want, now, options);
    } catch (e) {
      if (!isWispError(e, 'ERR_NOT_FOUND'))
        d.log?.(`scheduler: condition of ${pod.metadata.name}`, e);
    }
  }

  return { reconcile, unschedulable };
}
