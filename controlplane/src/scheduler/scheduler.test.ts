import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '@wisp/api/meta.ts';
import { findResource } from '@wisp/api/resources.ts';
import { seededRandom } from '@wisp/core';
import { FakeClock, MemoryStore } from '@wisp/testkit';
import { createInformerFactory } from '../informer/factory.ts';
import { createRegistry } from '../registry/registry.ts';
import { createScheduler } from './scheduler.ts';
import type { SchedulerInit } from './scheduler.ts';
import { node, pod, podTerm, spreadOver } from './test-support.ts';
import type { Node, Pod } from './types.ts';

const PODS = findResource('', 'pods')!;
const NODES = findResource('', 'nodes')!;
const EVENTS = findResource('', 'events')!;
const NAMESPACES = findResource('', 'namespaces')!;

const asObject = (o: Pod | Node): KubeObject => structuredClone(o) as unknown as KubeObject;

async function harness(init: SchedulerInit = {}) {
  const clock = new FakeClock();
  const random = seededRandom(3);
  const registry = createRegistry({}, { store: new MemoryStore(), clock, random });
  await registry.create(NAMESPACES, undefined, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'default' },
  });
  const informers = createInformerFactory({ registry, clock });
  const scheduler = createScheduler(init, { registry, informers, clock, random });
  const h = {
    clock,
    registry,
    informers,
    scheduler,
    addNode: (n: Node) => registry.create(NODES, undefined, asObject(n)),
    addPod: (p: Pod) => registry.create(PODS, 'default', asObject(p)),
    getPod: async (name: string) => (await registry.get(PODS, 'default', name)) as unknown as Pod,
    events: async () => (await registry.list(EVENTS, 'default')).items as unknown as CoreEvent[],
    condition: async (name: string) =>
      (await h.getPod(name)).status?.conditions?.find((c) => c.type === 'PodScheduled'),
    async stop() {
      await scheduler.stop();
      await informers.stop();
    },
  };
  return h;
}

/** Lets watches and workers run; no timers and no real time involved. */
async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    if (await cond()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`never happened: ${what}`);
}

describe('scheduler reconcile', () => {
  it('binds a pending pod, sets PodScheduled=True and records Scheduled', async () => {
    const h = await harness();
    await h.addNode(node('node-1', { cpu: '500m', memory: '1Gi' }));
    await h.addNode(node('node-2', { cpu: '500m', memory: '1Gi' }));
    await h.addNode(node('node-3', { cpu: '2', memory: '1Gi' }));
    await h.addPod(pod('web-1', { cpu: '1' }));
    await h.informers.start();

    await h.scheduler.reconcile('default/web-1');

    const p = await h.getPod('web-1');
    assert.equal(p.spec?.nodeName, 'node-3');
    assert.equal((await h.condition('web-1'))?.status, 'True');
    const events = await h.events();
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.message, e.source?.component, e.involvedObject.name]),
      [
        [
          'Normal',
          'Scheduled',
          'Successfully assigned default/web-1 to node-3',
          'default-scheduler',
          'web-1',
        ],
      ],
    );
    await h.stop();
  });

  it('marks a pod no node fits Unschedulable and warns with the reasons', async () => {
    const h = await harness();
    await h.addNode(node('a', undefined, { labels: { disk: 'hdd' } }));
    await h.addNode(node('b', undefined, { labels: { disk: 'hdd' } }));
    for (const n of ['c', 'd', 'e'])
      await h.addNode(node(n, { cpu: '1' }, { labels: { disk: 'ssd' } }));
    await h.addPod(pod('web-1', { cpu: '2' }, { spec: { nodeSelector: { disk: 'ssd' } } }));
    await h.informers.start();

    const result = await h.scheduler.reconcile('default/web-1');

    const message =
      "0/5 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 3 " +
      'Insufficient cpu. preemption: 0/5 nodes are available: 5 Preemption is not helpful for ' +
      'scheduling.';
    assert.deepEqual(result, { requeueAfterMs: 1000 });
    const p = await h.getPod('web-1');
    assert.equal(p.spec?.nodeName, undefined);
    const cond = await h.condition('web-1');
    assert.deepEqual(
      [cond?.status, cond?.reason, cond?.message],
      ['False', 'Unschedulable', message],
    );
    const events = await h.events();
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.message]),
      [['Warning', 'FailedScheduling', message]],
    );
    assert.equal(h.scheduler.unschedulableCount(), 1);
    await h.stop();
  });

  it('backs off a pod that stays unschedulable without rewriting its condition', async () => {
    const h = await harness({ unschedulableBackoffBaseMs: 1000, unschedulableBackoffMaxMs: 3000 });
    await h.addNode(node('a', { cpu: '1' }));
    await h.addPod(pod('big', { cpu: '2' }));
    await h.informers.start();

    const delays = [(await h.scheduler.reconcile('default/big'))?.requeueAfterMs];
    const written = (await h.getPod('big')).metadata?.resourceVersion;
    for (let i = 0; i < 3; i++)
      delays.push((await h.scheduler.reconcile('default/big'))?.requeueAfterMs);
    assert.deepEqual(delays, [1000, 2000, 3000, 3000]);
    assert.equal((await h.getPod('big')).metadata?.resourceVersion, written);
    const events = await h.events();
    assert.equal(events.length, 1, 'repeats aggregate into one Event');
    assert.equal(events[0].count, 4);
    await h.stop();
  });

  it('reports a topology spread constraint that keeps a pod pending', async () => {
    const h = await harness();
    await h.addNode(node('a'));
    await h.addNode(node('b', undefined, { unschedulable: true }));
    await h.addPod(pod('web-0', {}, { labels: { app: 'web' }, nodeName: 'a' }));
    const spec = {
      topologySpreadConstraints: [spreadOver('kubernetes.io/hostname', { app: 'web' })],
    };
    await h.addPod(pod('web-1', {}, { labels: { app: 'web' }, spec }));
    await h.informers.start();

    await h.scheduler.reconcile('default/web-1');

    const cond = await h.condition('web-1');
    assert.equal(cond?.status, 'False');
    assert.match(cond?.message ?? '', /1 node\(s\) didn't match pod topology spread constraints/);
    await h.stop();
  });

  it('reads namespace labels for a namespaceSelector', async () => {
    const h = await harness();
    await h.registry.create(NAMESPACES, undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { tier: 'edge' } },
    });
    await h.addNode(node('a'));
    await h.addNode(node('b', { cpu: '1' }));
    const theirs = pod('web-0', {}, { namespace: 'shop', labels: { app: 'web' }, nodeName: 'a' });
    await h.registry.create(PODS, 'shop', asObject(theirs));
    const term = podTerm(
      'kubernetes.io/hostname',
      { app: 'web' },
      {
        namespaceSelector: { matchLabels: { tier: 'edge' } },
      },
    );
    const affinity = {
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] },
    };
    await h.addPod(pod('web-1', {}, { labels: { app: 'web' }, spec: { affinity } }));
    await h.informers.start();

    await h.scheduler.reconcile('default/web-1');

    assert.equal((await h.getPod('web-1')).spec?.nodeName, 'b');
    await h.stop();
  });

  it('leaves alone pods of other schedulers, bound pods and pods being deleted', async () => {
    const h = await harness();
    await h.addNode(node('a'));
    await h.addPod(pod('other', undefined, { spec: { schedulerName: 'my-scheduler' } }));
    await h.addPod(pod('bound', undefined, { nodeName: 'elsewhere' }));
    await h.informers.start();

    await h.scheduler.reconcile('default/other');
    await h.scheduler.reconcile('default/bound');
    await h.scheduler.reconcile('default/missing');

    assert.equal((await h.getPod('other')).spec?.nodeName, undefined);
    assert.equal(await h.condition('other'), undefined);
    assert.equal((await h.getPod('bound')).spec?.nodeName, 'elsewhere');
    assert.deepEqual(await h.events(), []);
    await h.stop();
  });
});

describe('scheduler loop', () => {
  it('schedules a waiting pod as soon as a node is added', async () => {
    const h = await harness();
    await h.informers.start();
    h.scheduler.start();
    await h.addPod(pod('web-1', { cpu: '1' }));
    await until(
      'unschedulable condition',
      async () => (await h.condition('web-1'))?.status === 'False',
    );
    assert.equal((await h.condition('web-1'))?.message, 'no nodes available to schedule pods');

    await h.addNode(node('node-1'));
    await until('bound', async () => (await h.getPod('web-1')).spec?.nodeName === 'node-1');
    await until('condition True', async () => (await h.condition('web-1'))?.status === 'True');
    const reasons = (await h.events()).map((e) => e.reason).sort();
    assert.deepEqual(reasons, ['FailedScheduling', 'Scheduled']);
    await h.stop();
  });

  it('retries when a NotReady node becomes Ready', async () => {
    const h = await harness();
    const notReady = node('n', undefined, {
      taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }],
    });
    await h.addNode(notReady);
    await h.informers.start();
    h.scheduler.start();
    await h.addPod(pod('web-1'));
    await until('unschedulable', async () => (await h.condition('web-1'))?.status === 'False');

    await h.registry.modify(NODES, undefined, 'n', (cur) => {
      (cur!.spec as Record<string, unknown>).taints = [];
      return cur!;
    });
    await until('bound', async () => (await h.getPod('web-1')).spec?.nodeName === 'n');
    await h.stop();
  });

  it('retries after the back-off when nothing else changes', async () => {
    const h = await harness({ unschedulableBackoffBaseMs: 1000 });
    await h.informers.start();
    h.scheduler.start();
    await h.addPod(pod('web-1'));
    await until('first attempt', async () => (await h.events()).length === 1);
    await h.clock.advanceAsync(999);
    assert.equal((await h.events())[0].count, 1);
    await h.clock.advanceAsync(1);
    await until('second attempt', async () => (await h.events())[0].count === 2);
    await h.stop();
  });

  it('retries a pod waiting on pod affinity as soon as a matching pod is bound', async () => {
    const h = await harness();
    await h.addNode(node('a'));
    await h.addNode(node('b'));
    await h.informers.start();
    h.scheduler.start();
    const affinity = {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          podTerm('kubernetes.io/hostname', { app: 'cache' }),
        ],
      },
    };
    await h.addPod(pod('web', {}, { labels: { app: 'web' }, spec: { affinity } }));
    await until('web waits', async () => (await h.condition('web'))?.status === 'False');
    assert.match((await h.condition('web'))?.message ?? '', /didn't match pod affinity rules/);

    await h.addPod(pod('cache', {}, { labels: { app: 'cache' } }));
    await until('cache bound', async () => Boolean((await h.getPod('cache')).spec?.nodeName));
    const cacheNode = (await h.getPod('cache')).spec?.nodeName;
    await until('web follows', async () => (await h.getPod('web')).spec?.nodeName === cacheNode);
    await h.stop();
  });

  it('does not overcommit a node during a burst, and uses it again when a pod leaves', async () => {
    const h = await harness({ workers: 4 });
    await h.addNode(node('only', { cpu: '3', memory: '1Gi' }));
    for (let i = 0; i < 5; i++) await h.addPod(pod(`p${i}`, { cpu: '1' }));
    await h.informers.start();
    h.scheduler.start();

    const bound = async () =>
      (await h.registry.list(PODS, 'default')).items
        .filter((p) => (p.spec as Pod['spec'])?.nodeName)
        .map((p) => p.metadata.name!);
    await until('burst settled', async () => h.scheduler.unschedulableCount() === 2);
    const first = await bound();
    assert.equal(first.length, 3);

    await h.registry.delete(PODS, 'default', first[0], { gracePeriodSeconds: 0 });
    await until('a waiting pod takes the freed cpu', async () => (await bound()).length === 3);
    assert.equal(h.scheduler.unschedulableCount(), 1);
    await h.stop();
  });
});
