import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@wisp/api';
import { createHarness } from '../../admission/test/harness.ts';
import type { HarnessInit } from '../../admission/test/harness.ts';
import { ForbiddenError } from '../../registry/errors.ts';
import { createReplicaSetController } from './replicaset-controller.ts';
import type { ReplicaSetObject } from './replicaset-status.ts';
import {
  activePods,
  bindPod,
  ownerUid,
  PODS,
  podsIn,
  REPLICA_SETS,
  replicaSet,
  setPodStatus,
} from './test/workloads.ts';

async function setup(objects: KubeObject[] = [], init: HarnessInit = {}) {
  const h = createHarness(init);
  const ctl = createReplicaSetController({}, h);
  for (const o of objects) await h.create(o);
  await h.start();
  const rs = async (name = 'web') =>
    (await h.registry.get(REPLICA_SETS, 'default', name)) as ReplicaSetObject;
  return { h, ctl, rs };
}

async function scale(h: ReturnType<typeof createHarness>, name: string, replicas: number) {
  await h.registry.modify(REPLICA_SETS, 'default', name, (cur) => {
    (cur!.spec as { replicas: number }).replicas = replicas;
    return cur!;
  });
  await h.sync();
}

describe('replicaset controller', () => {
  it('creates spec.replicas pods named after the ReplicaSet and controlled by it', async () => {
    const { h, ctl, rs } = await setup([replicaSet('web', 3)]);
    await ctl.reconcile('default/web');
    const pods = await podsIn(h);
    const owner = await rs();
    assert.equal(pods.length, 3);
    for (const pod of pods) {
      assert.match(pod.metadata.name!, /^web-[a-z0-9]{5}$/);
      assert.deepEqual(pod.metadata.labels, { app: 'web' });
      assert.deepEqual(pod.metadata.ownerReferences, [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web',
          uid: owner.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    // Status reflects the cache the reconcile started from; the next one sees the pods.
    assert.deepEqual(owner.status, { replicas: 0, observedGeneration: 1 });
    await h.sync();
    await ctl.reconcile('default/web');
    assert.deepEqual((await rs()).status, {
      replicas: 3,
      fullyLabeledReplicas: 3,
      observedGeneration: 1,
    });
    const reasons = (await h.list('Event', 'default')).map((e) => e.reason);
    assert.deepEqual(reasons, ['SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate']);
    await h.stop();
  });

  it('does not create pods twice while its cache has not seen the ones it made', async () => {
    const { h, ctl } = await setup([replicaSet('web', 3)]);
    await ctl.reconcile('default/web');
    await ctl.reconcile('default/web');
    assert.equal((await podsIn(h)).length, 3);
    await h.sync();
    await ctl.reconcile('default/web');
    assert.equal((await podsIn(h)).length, 3);
    await h.stop();
  });

  it('creates the missing pods once its expectations time out', async () => {
    const { h, ctl } = await setup([replicaSet('web', 2)]);
    await ctl.reconcile('default/web');
    // Pretend the cache never delivered the additions.
    ctl.expectations.expectCreations('default/web', 2);
    const [victim] = await podsIn(h);
    await h.registry.delete(PODS, 'default', victim.metadata.name!);
    await h.sync();
    await ctl.reconcile('default/web');
    assert.equal((await podsIn(h)).length, 1, 'waits while expectations are pending');
    h.clock.advance(5 * 60_000 + 1);
    await ctl.reconcile('default/web');
    assert.equal((await podsIn(h)).length, 2);
    await h.stop();
  });

  it('counts ready pods, and available ones only after minReadySeconds', async () => {
    const { h, ctl, rs } = await setup([replicaSet('web', 2, { minReadySeconds: 10 })]);
    await ctl.reconcile('default/web');
    for (const pod of await podsIn(h)) await setPodStatus(h, pod, 'Running', true);
    await h.sync();
    const result = await ctl.reconcile('default/web');
    assert.deepEqual(result, { requeueAfterMs: 10_001 });
    assert.deepEqual((await rs()).status, {
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      observedGeneration: 1,
    });
    h.clock.advance(10_001);
    assert.equal(await ctl.reconcile('default/web'), undefined);
    assert.equal((await rs()).status?.availableReplicas, 2);
    await h.stop();
  });

  it('deletes the least useful pods first when scaled down', async () => {
    const { h, ctl } = await setup([replicaSet('web', 4)]);
    await ctl.reconcile('default/web');
    const [unbound, pending, notReady, ready] = await podsIn(h);
    for (const p of [pending, notReady, ready]) await bindPod(h, p, 'n1');
    await setPodStatus(h, notReady, 'Running', false);
    await setPodStatus(h, ready, 'Running', true);
    await scale(h, 'web', 3);
    await ctl.reconcile('default/web');
    let names = (await activePods(h)).map((p) => p.metadata.name).sort();
    assert.deepEqual(names, [pending, notReady, ready].map((p) => p.metadata.name).sort());
    assert.ok(!(await podsIn(h)).some((p) => p.metadata.name === unbound.metadata.name));
    await scale(h, 'web', 1);
    await ctl.reconcile('default/web');
    names = (await activePods(h)).map((p) => p.metadata.name);
    assert.deepEqual(names, [ready.metadata.name]);
    const terminating = (await podsIn(h)).filter((p) => p.metadata.deletionTimestamp);
    assert.equal(terminating.length, 2, 'bound pods terminate gracefully');
    await h.stop();
  });

  it('adopts a matching orphan and releases a pod whose labels stop matching', async () => {
    const orphan: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] },
    };
    const { h, ctl, rs } = await setup([orphan, replicaSet('web', 2)]);
    await ctl.reconcile('default/web');
    const uid = (await rs()).metadata.uid;
    let pods = await podsIn(h);
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => ownerUid(p) === uid));
    await h.registry.modify(PODS, 'default', 'stray', (cur) => {
      cur!.metadata.labels = { app: 'elsewhere' };
      return cur!;
    });
    await h.sync();
    await ctl.reconcile('default/web');
    pods = await podsIn(h);
    const stray = pods.find((p) => p.metadata.name === 'stray')!;
    assert.equal(stray.metadata.ownerReferences, undefined);
    assert.equal(pods.filter((p) => ownerUid(p) === uid).length, 2, 'replaced the released pod');
    await h.stop();
  });

  it('replaces terminating and finished pods and does not count them', async () => {
    const { h, ctl, rs } = await setup([replicaSet('web', 2)]);
    await ctl.reconcile('default/web');
    const [a, b] = await podsIn(h);
    await bindPod(h, a, 'n1');
    await h.registry.delete(PODS, 'default', a.metadata.name!);
    await setPodStatus(h, b, 'Failed', false);
    await h.sync();
    await ctl.reconcile('default/web');
    assert.equal((await activePods(h)).length, 2);
    assert.equal((await podsIn(h)).length, 4);
    await h.sync();
    await ctl.reconcile('default/web');
    assert.equal((await rs()).status?.replicas, 2);
    await h.stop();
  });

  it('reports ReplicaFailure and stops at the first refused create of a batch', async () => {
    let attempts = 0;
    const { h, ctl, rs } = await setup([replicaSet('web', 5)], {
      admission: () => [
        {
          name: 'deny-pods',
          admit(op, info) {
            if (op !== 'CREATE' || info.kind !== 'Pod') return;
            attempts++;
            throw new ForbiddenError('pods "web" is forbidden: exceeded quota');
          },
        },
      ],
    });
    await assert.rejects(ctl.reconcile('default/web'), { code: 'ERR_FORBIDDEN' });
    assert.equal(attempts, 1);
    const cond = (await rs()).status?.conditions?.[0];
    assert.equal(cond?.type, 'ReplicaFailure');
    assert.equal(cond?.reason, 'FailedCreate');
    assert.match(cond?.message ?? '', /exceeded quota/);
    assert.ok(ctl.expectations.satisfied('default/web'), 'failed creates are not waited for');
    await h.stop();
  });
});
