/**
 * A control plane in memory for workload controller tests: a MemoryStore registry on a FakeClock,
 * shared informers, an event recorder, and `settle()`, which waits (by yielding to the event
 * loop, never by sleeping) until every cache a controller asked for matches the store. Tests
 * preload objects, settle, call `reconcile(key)`, and read back what it wrote.
 *
 *   const kit = await createWorkloadTestKit();
 *   const ds = createDaemonSetController({}, kit.components);
 *   await kit.start();
 *   await kit.create(NODES, node('n1'));
 *   await kit.settle();
 *   await ds.reconcile('default/agent');
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { findResource } from '@wisp/api';
import { seededRandom } from '@wisp/core';
import { FakeClock, MemoryStore } from '@wisp/testkit';
import { createInformerFactory } from '../../../informer/factory.ts';
import type { InformerFactory } from '../../../informer/factory.ts';
import { createRegistry } from '../../../registry/registry.ts';
import type { Registry } from '../../../registry/registry.ts';
import type { AdmissionPlugin } from '../../../registry/types.ts';
import { createEventRecorder } from '../../framework/events.ts';
import type { WorkloadComponents } from '../shared/components.ts';
import { keyOf } from '../shared/keys.ts';

export const NAMESPACES = findResource('', 'namespaces')!;
export const NODES = findResource('', 'nodes')!;
export const EVENTS = findResource('', 'events')!;

/** Event-loop turns `settle()` waits before it gives up. */
const SETTLE_TURNS_MAX = 2000;

export interface WorkloadTestKit {
  readonly clock: FakeClock;
  readonly registry: Registry;
  readonly components: WorkloadComponents;
  start(): Promise<void>;
  stop(): Promise<void>;
  settle(): Promise<void>;
  create(info: ResourceInfo, obj: KubeObject): Promise<KubeObject>;
  list(info: ResourceInfo, namespace?: string): Promise<KubeObject[]>;
  get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject>;
  /** Replaces a workload's pod template, as `kubectl set image` would, and settles. */
  setTemplate(info: ResourceInfo, ns: string, name: string, template: object): Promise<void>;
  /** Replaces a pod's status as an agent would. */
  setPodStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void>;
  /** Finishes a graceful pod deletion, as the agent does once the containers stopped. */
  finishDeletion(namespace: string, name: string): Promise<void>;
  /** `reason: message` of every Event recorded, oldest first. */
  events(): Promise<string[]>;
}

export interface WorkloadTestKitInit {
  readonly nowMs?: number;
  readonly admission?: readonly AdmissionPlugin[];
}

export async function createWorkloadTestKit(
  init: WorkloadTestKitInit = {},
): Promise<WorkloadTestKit> {
  const clock = new FakeClock(init.nowMs === undefined ? {} : { nowMs: init.nowMs });
  const random = seededRandom(7);
  const store = new MemoryStore();
  const registry = createRegistry({}, { store, clock, random, admission: init.admission });
  const base = createInformerFactory({ registry, clock });
  const watched: ResourceInfo[] = [];
  const informers: InformerFactory = {
    for(info) {
      if (!watched.includes(info)) watched.push(info);
      return base.for(info);
    },
    start: async () => base.start(),
    stop: async () => base.stop(),
  };
  const events = createEventRecorder({ component: 'test' }, { registry, clock, random });
  await registry.create(NAMESPACES, undefined, { metadata: { name: 'default' } });

  async function inSync(): Promise<boolean> {
    for (const info of watched) {
      const stored = (await registry.list(info, undefined)).items;
      const cached = new Map(
        base
          .for(info)
          .list()
          .map((o) => [keyOf(o), o]),
      );
      if (stored.length !== cached.size) return false;
      for (const o of stored) {
        if (cached.get(keyOf(o))?.metadata.resourceVersion !== o.metadata.resourceVersion) {
          return false;
        }
      }
    }
    return true;
  }

  async function settle(): Promise<void> {
    for (let i = 0; i < SETTLE_TURNS_MAX; i++) {
      if (await inSync()) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('informer caches did not catch up with the store');
  }

  return {
    clock,
    registry,
    components: { registry, informers, clock, random, events },
    async start() {
      await informers.start();
    },
    async stop() {
      await informers.stop();
    },
    settle,
    create: (info, obj) => registry.create(info, obj.metadata.namespace, obj),
    list: async (info, ns) => (await registry.list(info, ns)).items,
    get: (info, ns, name) => registry.get(info, ns, name),
    async setTemplate(info, ns, name, template) {
      await registry.modify(info, ns, name, (o) => {
        (o!.spec as { template: unknown }).template = template;
        return o!;
      });
      await settle();
    },
    async setPodStatus(ns, name, status) {
      const pods = findResource('', 'pods')!;
      await registry.modify(pods, ns, name, (pod) => ({ ...pod!, status }), {
        subresource: 'status',
      });
    },
    async finishDeletion(ns, name) {
      await registry.delete(findResource('', 'pods')!, ns, name, { gracePeriodSeconds: 0 });
    },
    async events() {
      const list = (await registry.list(EVENTS, undefined)).items;
      return list
        .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
        .map((e) => `${e.reason as string}: ${e.message as string}`);
    },
  };
}

/** A Ready node named `name`, optionally labelled and tainted. */
export function testNode(
  name: string,
  o: { labels?: Record<string, string>; taints?: unknown[] } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: o.taints ? { taints: o.taints } : {},
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/** Pod status as an agent reports a running, Ready pod (Ready since `sinceMs`). */
export function runningReady(sinceMs: number): Record<string, unknown> {
  const at = new Date(sinceMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }],
  };
}

/** A ControllerRevision nobody owns, holding content no workload has, to take up `name`. */
export function foreignRevision(name: string, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name, namespace },
    data: { foreign: true },
    revision: 1,
  };
}

/** A minimal pod template with one container. */
export function podTemplate(
  labels: Record<string, string>,
  image = 'registry.local/app:1',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    metadata: { labels },
    spec: { containers: [{ name: 'app', image }], ...extra },
  };
}
