/**
 * The scheduler loop: a reconciler over pending pods (STYLE rule 7). A pod that needs a node is
 * enqueued; its reconcile decides and assumes in one synchronous step, then binds, sets
 * `PodScheduled=True` and records `Scheduled`. A pod no node fits gets
 * `PodScheduled=False/Unschedulable` and a `FailedScheduling` Warning, and is tried again when
 * nodes, RuntimeClasses or bound pods change, or after a capped back-off.
 *
 *   const scheduler = createScheduler({}, { registry, informers, clock, random, events });
 *   await informers.start();
 *   scheduler.start();
 */
import type { KubeObject } from '@wisp/api/meta.ts';
import { findResource } from '@wisp/api/resources.ts';
import type { Clock, Random } from '@wisp/core';
import { createController } from '../controllers/framework/controller.ts';
import type { Controller, ReconcileResult } from '../controllers/framework/controller.ts';
import { createEventRecorder } from '../controllers/framework/events.ts';
import type { EventRecorder } from '../controllers/framework/events.ts';
import type { InformerFactory } from '../informer/factory.ts';
import { bindPod } from '../registry/pod-binding.ts';
import type { Registry } from '../registry/registry.ts';
import { createPodReconciler } from './pod-reconciler.ts';
import { isTerminal } from './resources.ts';
import { SchedulerCache } from './scheduler-cache.ts';
import { dependsOnOtherPods, watchSchedulingInputs } from './scheduler-watch.ts';
import type { Pod, ScoreWeights } from './types.ts';
import { splitObjectKey } from '../informer/informer.ts';

export interface SchedulerInit {
  /** Pods whose `spec.schedulerName` is this are ours (default `default-scheduler`). */
  readonly schedulerName?: string;
  /** Pods in flight (default 16): each waits on its writes; decisions stay synchronous. */
  readonly workers?: number;
  /** First retry of an unschedulable pod (default 1 s); doubles per failed attempt. */
  readonly unschedulableBackoffBaseMs?: number;
  /** Cap of that back-off (default 60 s). */
  readonly unschedulableBackoffMaxMs?: number;
  /** How long a bound pod counts on its node before the informer must show it (default 30 s). */
  readonly assumedTtlMs?: number;
  /** Back-off of failed reconciles (store errors), as every controller has. */
  readonly errorBackoffBaseMs?: number;
  readonly errorBackoffMaxMs?: number;
  readonly weights?: Partial<ScoreWeights>;
}

export interface SchedulerComponents {
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly clock: Clock;
  readonly random: Random;
  /** Defaults to a recorder reporting as the scheduler name (`From: default-scheduler`). */
  readonly events?: EventRecorder;
  readonly log?: (message: string, error?: unknown) => void;
  /** Writes the binding; `bindPod` (what the `pods/binding` subresource does) by default. */
  readonly bind?: typeof bindPod;
}

export interface Scheduler extends Controller {
  reconcile(key: string): Promise<ReconcileResult | void>;
  /** Pods bound (or being bound) that the pod informer has not shown on their node yet. */
  assumedCount(): number;
  /** Pods waiting because no node fits them. */
  unschedulableCount(): number;
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

const PODS = findResource('', 'pods')!;
const NODES = findResource('', 'nodes')!;
const RUNTIME_CLASSES = findResource('node.k8s.io', 'runtimeclasses')!;
const NAMESPACES = findResource('', 'namespaces')!;

export function createScheduler(init: SchedulerInit, c: SchedulerComponents): Scheduler {
  const schedulerName = init.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const informers = {
    pods: c.informers.for(PODS),
    nodes: c.informers.for(NODES),
    runtimeClasses: c.informers.for(RUNTIME_CLASSES),
    namespaces: c.informers.for(NAMESPACES),
  };
  const cache = new SchedulerCache({ assumedTtlMs: init.assumedTtlMs });
  const needsNode = (pod: KubeObject): boolean => {
    const spec = pod.spec as Pod['spec'];
    const ours = (spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === schedulerName;
    return ours && !spec?.nodeName && !pod.metadata.deletionTimestamp && !isTerminal(pod as Pod);
  };
  const reconciler = createPodReconciler(
    {
      unschedulableBackoffBaseMs: init.unschedulableBackoffBaseMs ?? 1_000,
      unschedulableBackoffMaxMs: init.unschedulableBackoffMaxMs ?? 60_000,
      weights: init.weights,
    },
    {
      ...c,
      ...informers,
      events: c.events ?? createEventRecorder({ component: schedulerName }, c),
      bind: c.bind ?? bindPod,
      cache,
      needsNode,
    },
  );
  const controller = createController(
    {
      name: 'scheduler',
      workers: init.workers ?? 16,
      backoffBaseMs: init.errorBackoffBaseMs,
      backoffMaxMs: init.errorBackoffMaxMs,
    },
    { clock: c.clock, reconcile: reconciler.reconcile, log: c.log },
  );
  watchSchedulingInputs(informers, cache, {
    needsNode,
    enqueue: controller.enqueue,
    retryUnschedulable: () => {
      for (const key of reconciler.unschedulable.keys()) controller.enqueue(key);
    },
    retryPodDependent: () => {
      for (const key of reconciler.unschedulable.keys()) {
        const { namespace, name } = splitObjectKey(key);
        const pending = informers.pods.get(namespace, name);
        if (pending && dependsOnOtherPods(pending as Pod)) controller.enqueue(key);
      }
    },
    forget: (key) => reconciler.unschedulable.delete(key),
  });
  return {
    ...controller,
    reconcile: reconciler.reconcile,
    assumedCount: () => cache.assumedCount(),
    unschedulableCount: () => reconciler.unschedulable.size,
  };
}
