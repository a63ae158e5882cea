import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@wisp/api';
import { createEvictionCheck } from '../../admission/pod-disruption.ts';
import { createHarness, resourceOf, type Harness } from '../../admission/test/harness.ts';
import { createDisruptionController } from './disruption-controller.ts';

const PODS = resourceOf('Pod');
const PDBS = resourceOf('PodDisruptionBudget');

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'web:1' }] },
};

async function workload(h: Harness, replicas: number): Promise<KubeObject> {
  const d = await h.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template },
  });
  return h.create({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-1',
      namespace: 'default',
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'web',
          uid: d.metadata.uid!,
          controller: true,
        },
      ],
    },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template },
  });
}

async function pod(
  h: Harness,
  name: string,
  opts: { owner?: KubeObject; ready?: boolean; phase?: string } = {},
): Promise<KubeObject> {
  const ref = opts.owner && {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: opts.owner.metadata.name!,
    uid: opts.owner.metadata.uid!,
    controller: true,
  };
  const created = await h.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'web' },
      ownerReferences: ref ? [ref] : undefined,
    },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'web:1' }] },
  });
  const ready = opts.ready ?? true;
  created.status = {
    phase: opts.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  };
  return h.registry.update(PODS, 'default', created, { subresource: 'status' });
}

function budget(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  };
}

function setup() {
  const h = createHarness({ admission: (a) => [createEvictionCheck({}, a)] });
  const ctl = createDisruptionController({}, h);
  return { h, ctl };
}

const statusOf = async (h: Harness) =>
  (await h.get('PodDisruptionBudget', 'default', 'web'))!.status as Record<string, unknown> & {
    conditions: { type: string; status: string; reason: string }[];
  };

const evict = (h: Harness, name: string) =>
  h.registry.delete(PODS, 'default', name, { eviction: true });

describe('disruption controller', () => {
  it('counts ready pods against minAvailable', async () => {
    const { h, ctl } = setup();
    const rs = await workload(h, 3);
    for (const n of ['a', 'b']) await pod(h, n, { owner: rs });
    await pod(h, 'c', { owner: rs, ready: false });
    await h.create(budget({ minAvailable: 1 }));
    await h.start();
    await ctl.reconcile('default/web');
    const s = await statusOf(h);
    assert.equal(s.currentHealthy, 2);
    assert.equal(s.desiredHealthy, 1);
    assert.equal(s.disruptionsAllowed, 1);
    assert.equal(s.expectedPods, 3);
    assert.equal(s.observedGeneration, 1);
    assert.deepEqual(
      s.conditions.map((c) => [c.type, c.status, c.reason]),
      [['DisruptionAllowed', 'True', 'SufficientPods']],
    );
  });

  it('scales maxUnavailable and percents by the Deployment that owns the pods', async () => {
    const { h, ctl } = setup();
    const rs = await workload(h, 4);
    for (const n of ['a', 'b', 'c', 'd']) await pod(h, n, { owner: rs });
    await h.create(budget({ maxUnavailable: '25%' }));
    await h.start();
    await ctl.reconcile('default/web');
    const s = await statusOf(h);
    assert.deepEqual([s.expectedPods, s.desiredHealthy, s.disruptionsAllowed], [4, 3, 1]);
  });

  it('allows no disruption when a pod has no controller to count with', async () => {
    const { h, ctl } = setup();
    await pod(h, 'loose');
    await h.create(budget({ maxUnavailable: 1 }));
    await h.start();
    await ctl.reconcile('default/web');
    const s = await statusOf(h);
    assert.equal(s.disruptionsAllowed, 0);
    assert.equal(s.conditions[0].reason, 'SyncFailed');
  });

  it('refuses an eviction that would break the budget with 429 and says why', async () => {
    const { h, ctl } = setup();
    const rs = await workload(h, 2);
    for (const n of ['a', 'b']) await pod(h, n, { owner: rs });
    await h.create(budget({ minAvailable: 1 }));
    await h.start();
    await ctl.reconcile('default/web');
    await evict(h, 'a');
    const after = await statusOf(h);
    assert.equal(after.disruptionsAllowed, 0);
    assert.ok((after.disruptedPods as Record<string, string>).a);
    await assert.rejects(evict(h, 'b'), (e: Error & { code: string; causes: unknown[] }) => {
      assert.equal(e.code, 'ERR_TOO_MANY_REQUESTS');
      assert.equal(e.message, "Cannot evict pod as it would violate the pod's disruption budget.");
      assert.deepEqual(e.causes, [
        {
          reason: 'DisruptionBudget',
          message: 'The disruption budget web needs 1 healthy pods and has 2 currently',
        },
      ]);
      return true;
    });
    assert.equal((await h.get('Pod', 'default', 'b'))?.metadata.deletionTimestamp, undefined);
  });

  it('lets only one of two parallel evictions through when one disruption is allowed', async () => {
    const { h, ctl } = setup();
    const rs = await workload(h, 3);
    for (const n of ['a', 'b', 'c']) await pod(h, n, { owner: rs });
    await h.create(budget({ minAvailable: 2 }));
    await h.start();
    await ctl.reconcile('default/web');
    const results = await Promise.allSettled([evict(h, 'a'), evict(h, 'b')]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  });

  it('keeps an evicted pod counted as gone until it is deleted or the timeout passes', async () => {
    const { h, ctl } = setup();
    const rs = await workload(h, 2);
    for (const n of ['a', 'b']) await pod(h, n, { owner: rs });
    await h.create(budget({ minAvailable: 1 }));
    await h.start();
    await ctl.reconcile('default/web');
    // An eviction recorded in the budget whose delete never happened.
    const pdb = await h.registry.get(PDBS, 'default', 'web');
    const status = pdb.status as {
      disruptionsAllowed: number;
      disruptedPods?: Record<string, string>;
    };
    status.disruptionsAllowed = 0;
    status.disruptedPods = { a: new Date(h.clock.now()).toISOString().replace('.000Z', 'Z') };
    await h.registry.update(PDBS, 'default', pdb, { subresource: 'status' });
    await h.sync();
    const first = await ctl.reconcile('default/web');
    assert.equal((await statusOf(h)).currentHealthy, 1);
    assert.deepEqual(first, { requeueAfterMs: 120_000 });
    h.clock.advance(120_000);
    await ctl.reconcile('default/web');
    const s = await statusOf(h);
    assert.equal(s.currentHealthy, 2);
    assert.equal(s.disruptedPods, undefined);
  });

  it('evicts pending pods without consulting the budget', async () => {
    const { h, ctl } = setup();
    const rs = await workload(h, 1);
    await pod(h, 'a', { owner: rs, phase: 'Pending', ready: false });
    await h.create(budget({ minAvailable: 1 }));
    await h.start();
    await ctl.reconcile('default/web');
    const { object } = await evict(h, 'a');
    assert.ok(object.metadata.deletionTimestamp);
  });

  it('reports a budget it has not seen yet as still being processed', async () => {
    const { h } = setup();
    const rs = await workload(h, 2);
    for (const n of ['a', 'b']) await pod(h, n, { owner: rs });
    await h.create(budget({ minAvailable: 1 }));
    await assert.rejects(evict(h, 'a'), {
      code: 'ERR_TOO_MANY_REQUESTS',
      causes: [
        {
          reason: 'DisruptionBudget',
          message: 'The disruption budget web is still being processed by the server.',
        },
      ],
    });
  });
});
