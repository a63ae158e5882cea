import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, OwnerReference } from '@wisp/api';
import { createHarness, resourceOf, type Harness } from '../../admission/test/harness.ts';
import { createGarbageCollectorController } from './garbage-collector.ts';

const RS = resourceOf('ReplicaSet');
const DEPLOYMENTS = resourceOf('Deployment');

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'web:1' }] },
};

function ref(owner: KubeObject, block = true): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: block,
  };
}

function deployment(h: Harness): Promise<KubeObject> {
  return h.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template },
  });
}

function replicaSet(h: Harness, owners: OwnerReference[] = []): Promise<KubeObject> {
  return h.create({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-1',
      namespace: 'default',
      ownerReferences: owners.length ? owners : undefined,
    },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template },
  });
}

function pod(
  h: Harness,
  name: string,
  owners: OwnerReference[],
  nodeName?: string,
): Promise<KubeObject> {
  return h.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' }, ownerReferences: owners },
    spec: { nodeName, containers: [{ name: 'c', image: 'web:1' }] },
  });
}

function setup() {
  const h = createHarness();
  return { h, gc: createGarbageCollectorController({}, h) };
}

async function run(h: Harness, gc: ReturnType<typeof setup>['gc'], key: string): Promise<void> {
  await h.sync();
  await gc.reconcile(key);
  await h.sync();
}

describe('garbage collector', () => {
  it('deletes the dependents of an owner that is gone', async () => {
    const { h, gc } = setup();
    const rs = await replicaSet(h);
    await pod(h, 'a', [ref(rs)]);
    await h.start();
    await h.registry.delete(RS, 'default', 'web-1');
    await run(h, gc, 'pods/default/a');
    assert.equal(await h.get('Pod', 'default', 'a'), undefined);
  });

  it('leaves the dependents of a live owner alone', async () => {
    const { h, gc } = setup();
    const rs = await replicaSet(h);
    await pod(h, 'a', [ref(rs)]);
    await h.start();
    await run(h, gc, 'pods/default/a');
    assert.ok(await h.get('Pod', 'default', 'a'));
  });

  it('treats an owner replaced by a new object of the same name as gone', async () => {
    const { h, gc } = setup();
    const old = await replicaSet(h);
    await pod(h, 'a', [ref(old)]);
    await h.registry.delete(RS, 'default', 'web-1');
    await replicaSet(h);
    await h.start();
    await run(h, gc, 'pods/default/a');
    assert.equal(await h.get('Pod', 'default', 'a'), undefined);
  });

  it('only drops the reference to a gone owner when another owner remains', async () => {
    const { h, gc } = setup();
    const d = await deployment(h);
    const rs = await replicaSet(h);
    await pod(h, 'a', [ref(rs), { ...ref(d), controller: false }]);
    await h.start();
    await h.registry.delete(RS, 'default', 'web-1');
    await run(h, gc, 'pods/default/a');
    const a = await h.get('Pod', 'default', 'a');
    assert.deepEqual(
      a?.metadata.ownerReferences?.map((r) => r.kind),
      ['Deployment'],
    );
  });

  it('deletes dependents first in a foreground deletion, then the owner', async () => {
    const { h, gc } = setup();
    const rs = await replicaSet(h);
    await pod(h, 'a', [ref(rs)]);
    await pod(h, 'b', [ref(rs, false)]);
    await pod(h, 'running', [ref(rs)], 'n1');
    await h.start();
    await h.registry.delete(RS, 'default', 'web-1', { propagationPolicy: 'Foreground' });
    await run(h, gc, 'replicasets.apps/default/web-1');
    assert.equal(await h.get('Pod', 'default', 'a'), undefined);
    assert.equal(await h.get('Pod', 'default', 'b'), undefined);
    const running = await h.get('Pod', 'default', 'running');
    assert.ok(running?.metadata.deletionTimestamp, 'a bound pod terminates gracefully');
    assert.ok(await h.get('ReplicaSet', 'default', 'web-1'), 'the owner waits for it');
    // The agent finishes the pod.
    await h.registry.delete(resourceOf('Pod'), 'default', 'running', { gracePeriodSeconds: 0 });
    await run(h, gc, 'replicasets.apps/default/web-1');
    assert.equal(await h.get('ReplicaSet', 'default', 'web-1'), undefined);
  });

  it('orphans the dependents when asked, then removes the owner', async () => {
    const { h, gc } = setup();
    const rs = await replicaSet(h);
    await pod(h, 'a', [ref(rs)]);
    await h.start();
    await h.registry.delete(RS, 'default', 'web-1', { propagationPolicy: 'Orphan' });
    await run(h, gc, 'replicasets.apps/default/web-1');
    assert.equal(await h.get('ReplicaSet', 'default', 'web-1'), undefined);
    const a = await h.get('Pod', 'default', 'a');
    assert.ok(a);
    assert.equal(a.metadata.ownerReferences, undefined);
  });

  it('cascades a background deletion down every level on its own', async () => {
    const { h, gc } = setup();
    const d = await deployment(h);
    const rs = await replicaSet(h, [ref(d)]);
    await pod(h, 'a', [ref(rs)]);
    await h.start();
    gc.start();
    try {
      await h.registry.delete(DEPLOYMENTS, 'default', 'web');
      for (let i = 0; i < 200 && (await h.list('Pod', 'default')).length > 0; i++) {
        await new Promise((r) => setImmediate(r));
      }
      assert.equal((await h.list('ReplicaSet', 'default')).length, 0);
      assert.equal((await h.list('Pod', 'default')).length, 0);
    } finally {
      await gc.stop();
      await h.stop();
    }
  });
});
