/**
 * A registry on a MemoryStore and a FakeClock, with informers and an event recorder, for the
 * unit tests of the admission plugins and of the lifecycle controllers.
 *
 *   const h = createHarness({ admission: (h) => [createServiceAllocation({}, h)] });
 *   const ctl = createXxxController({}, h);
 *   await h.start(); await h.create(pod); await h.sync(); await ctl.reconcile('default/web');
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { findKind, findResource } from '@wisp/api';
import { seededRandom, type Random } from '@wisp/core';
import { FakeClock, MemoryStore } from '@wisp/testkit';
import { createEventRecorder, type EventRecorder } from '../../controllers/framework/events.ts';
import { createInformerFactory, type InformerFactory } from '../../informer/factory.ts';
import type { Informer } from '../../informer/informer.ts';
import { createRegistry, type Registry } from '../../registry/registry.ts';
import type { AdmissionPlugin } from '../../registry/types.ts';

export interface Harness {
  readonly store: MemoryStore;
  readonly clock: FakeClock;
  readonly random: Random;
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly events: EventRecorder;
  /** Lists and watches every informer asked for so far. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Waits (bounded) until every informer's cache matches the store. */
  sync(): Promise<void>;
  create(obj: KubeObject): Promise<KubeObject>;
  get(kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  list(kind: string, namespace?: string): Promise<KubeObject[]>;
}

/** What admission plugins get: the registry only exists once they are built. */
export interface AdmissionHarness {
  readonly store: MemoryStore;
  readonly clock: FakeClock;
  readonly random: Random;
  readonly registry: () => Registry;
}

export interface HarnessInit {
  readonly admission?: (h: AdmissionHarness) => AdmissionPlugin[];
  readonly namespaces?: readonly string[];
  readonly seed?: number;
}

const RESOURCE_BY_KIND = (kind: string): ResourceInfo => {
  const info = ['', 'apps', 'batch', 'policy', 'coordination.k8s.io']
    .map((g) => findKind(g ? `${g}/v1` : 'v1', kind))
    .find((x) => x);
  if (!info) throw new Error(`test harness: unknown kind ${kind}`);
  return info;
};

export function resourceOf(kind: string): ResourceInfo {
  return RESOURCE_BY_KIND(kind);
}

const rv = (o: KubeObject): string =>
  `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`;

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createHarness(init: HarnessInit = {}): Harness {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const random = seededRandom(init.seed ?? 7);
  const base = { store, clock, random };
  const tracked: { info: ResourceInfo; informer: Informer }[] = [];
  // Plugins read the registry only when admitting, after it exists.
  const admission = init.admission?.({ ...base, registry: () => reg }) ?? [];
  const reg: Registry = createRegistry({}, { ...base, admission });
  const factory = createInformerFactory({ registry: reg, clock });
  const informers: InformerFactory = {
    for(info) {
      const informer = factory.for(info);
      if (!tracked.some((t) => t.informer === informer)) tracked.push({ info, informer });
      return informer;
    },
    start: () => factory.start(),
    stop: () => factory.stop(),
  };
  const events = createEventRecorder({ component: 'test' }, { registry: reg, clock, random });
  const namespaces = init.namespaces ?? ['default', 'kube-node-lease', 'kube-system'];
  let ready: Promise<void> | undefined;
  const ensureNamespaces = () =>
    (ready ??= (async () => {
      const NS = findResource('', 'namespaces')!;
      for (const name of namespaces) {
        await reg.create(NS, undefined, {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name },
        });
      }
    })());

  async function sync(): Promise<void> {
    for (let round = 0; round < 2000; round++) {
      let same = true;
      for (const { info, informer } of tracked) {
        const live = (await reg.list(info, undefined)).items;
        const cached = informer.list();
        const a = live.map(rv).sort().join();
        const b = cached.map(rv).sort().join();
        if (a !== b) same = false;
      }
      if (same) return;
      await settle();
    }
    throw new Error('test harness: informers did not catch up');
  }

  return {
    ...base,
    registry: reg,
    informers,
    events,
    async start() {
      await ensureNamespaces();
      await informers.start();
      await sync();
    },
    async stop() {
      await informers.stop();
    },
    sync,
    async create(obj) {
      await ensureNamespaces();
      const info = RESOURCE_BY_KIND(obj.kind!);
      return reg.create(info, obj.metadata.namespace, obj);
    },
    async get(kind, namespace, name) {
      try {
        return await reg.get(RESOURCE_BY_KIND(kind), namespace, name);
      } catch {
        return undefined;
      }
    },
    async list(kind, namespace) {
      return (await reg.list(RESOURCE_BY_KIND(kind), namespace)).items;
    },
  };
}
