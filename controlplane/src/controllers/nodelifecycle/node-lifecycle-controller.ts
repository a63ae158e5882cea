/**
 * The node lifecycle controller: watches agents' Lease heartbeats, marks silent nodes
 * Ready=Unknown and taints them, and evicts pods from NoExecute-tainted nodes once their
 * tolerations run out. Two work queues share one factory: node names for the monitor, pod keys
 * for the taint manager.
 *
 *   const c = createNodeLifecycleController({}, { registry, informers, clock, events });
 *   await informers.start(); c.start();
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import type { Clock, TimerHandle } from '@wisp/core';
import type { InformerFactory } from '../../informer/factory.ts';
import { objectKey } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';
import {
  createController,
  type Controller,
  type ReconcileResult,
} from '../framework/controller.ts';
import type { EventRecorder } from '../framework/events.ts';
import { createNodeMonitor } from './node-monitor.ts';
import { createTaintEviction, noExecuteTaints } from './taint-eviction.ts';

export interface NodeLifecycleInit {
  /** A node silent this long is marked Ready=Unknown. Default 40 000. */
  readonly nodeMonitorGracePeriodMs?: number;
  /** How often every node is looked at again. Default 5 000. */
  readonly nodeMonitorPeriodMs?: number;
  /** Where agents keep their Leases. Default `kube-node-lease`. */
  readonly leaseNamespace?: string;
  readonly workers?: number;
}

export interface NodeLifecycleComponents {
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface NodeLifecycleController extends Controller {
  /** Monitors one node (key: its name). */
  reconcile(nodeName: string): Promise<ReconcileResult | void>;
  /** Applies NoExecute taints to one pod (key: `namespace/name`). */
  reconcilePod(podKey: string): Promise<ReconcileResult | void>;
}

export const nodeMonitorGracePeriodMsDefault = 40_000;
export const nodeMonitorPeriodMsDefault = 5_000;

const NODES = findResource('', 'nodes')!;
const PODS = findResource('', 'pods')!;
const LEASES = findResource('coordination.k8s.io', 'leases')!;

export function createNodeLifecycleController(
  init: NodeLifecycleInit,
  c: NodeLifecycleComponents,
): NodeLifecycleController {
  const leaseNamespace = init.leaseNamespace ?? 'kube-node-lease';
  const periodMs = init.nodeMonitorPeriodMs ?? nodeMonitorPeriodMsDefault;
  const nodes = c.informers.for(NODES);
  const pods = c.informers.for(PODS);
  const leases = c.informers.for(LEASES);
  const deps = { registry: c.registry, clock: c.clock, events: c.events, nodes, pods };
  const monitor = createNodeMonitor(
    {
      nodeMonitorGracePeriodMs: init.nodeMonitorGracePeriodMs ?? nodeMonitorGracePeriodMsDefault,
      leaseNamespace,
    },
    { ...deps, leases },
  );
  const taints = createTaintEviction(deps);
  const workers = init.workers ?? 2;
  const nodeQueue = createController(
    { name: 'node-lifecycle', workers },
    { clock: c.clock, reconcile: monitor.reconcile, log: c.log },
  );
  const podQueue = createController(
    { name: 'taint-eviction', workers },
    { clock: c.clock, reconcile: taints.reconcile, log: c.log },
  );

  nodes.onChange((key, obj, old) => {
    nodeQueue.enqueue(key);
    if (!obj) monitor.forget(key);
    if (sameTaints(obj, old)) return;
    for (const pod of pods.list()) {
      if ((pod.spec as { nodeName?: string }).nodeName === key) {
        podQueue.enqueue(objectKey(pod.metadata.namespace, pod.metadata.name!));
      }
    }
  });
  leases.onChange((_key, obj, old) => {
    const lease = obj ?? old;
    if (lease?.metadata.namespace === leaseNamespace) nodeQueue.enqueue(lease.metadata.name!);
  });
  pods.onChange((key, obj) => {
    if ((obj?.spec as { nodeName?: string } | undefined)?.nodeName) podQueue.enqueue(key);
  });

  let tick: TimerHandle | undefined;
  return {
    name: 'node-lifecycle',
    reconcile: monitor.reconcile,
    reconcilePod: taints.reconcile,
    enqueue: (name) => nodeQueue.enqueue(name),
    enqueueAfter: (name, ms) => nodeQueue.enqueueAfter(name, ms),
    idle: () => nodeQueue.idle() && podQueue.idle(),
    start() {
      nodeQueue.start();
      podQueue.start();
      tick = c.clock.setInterval(() => {
        for (const node of nodes.list()) nodeQueue.enqueue(node.metadata.name!);
      }, periodMs);
    },
    async stop() {
      c.clock.clearInterval(tick);
      await Promise.all([nodeQueue.stop(), podQueue.stop()]);
    },
  };
}

function sameTaints(a: KubeObject | undefined, b: KubeObject | undefined): boolean {
  return JSON.stringify(noExecuteTaints(a)) === JSON.stringify(noExecuteTaints(b));
}
