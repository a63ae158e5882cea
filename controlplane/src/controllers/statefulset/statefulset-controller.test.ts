import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@wisp/api';
import {
  CONTROLLER_REVISIONS,
  REVISION_HASH_LABEL,
  hashOf,
  revisionName,
  templatePatch,
} from '../daemonset/shared/controller-history.ts';
import { PODS } from '../daemonset/shared/pod-control.ts';
import {
  createWorkloadTestKit,
  foreignRevision,
  podTemplate,
  runningReady,
} from '../daemonset/test/workload-test-kit.ts';
import type { WorkloadTestKit } from '../daemonset/test/workload-test-kit.ts';
import { STATEFULSETS, createStatefulSetController } from './statefulset-controller.ts';

const KEY = 'default/web';

function statefulSet(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: podTemplate({ app: 'web' }, 'web:1'),
      ...spec,
    },
  };
}

type Pod = KubeObject & {
  spec: { hostname?: string; subdomain?: string; containers: { image: string }[] };
};

async function setup(set: KubeObject = statefulSet()) {
  const kit = await createWorkloadTestKit();
  const controller = createStatefulSetController({}, kit.components);
  await kit.start();
  await kit.create(STATEFULSETS, set);
  await kit.settle();
  const sync = async () => {
    await controller.reconcile(KEY);
    await kit.settle();
  };
  return { kit, controller, sync };
}

async function allPods(kit: WorkloadTestKit): Promise<Pod[]> {
  const pods = (await kit.list(PODS, 'default')) as Pod[];
  return pods.sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
}

const names = async (kit: WorkloadTestKit) => (await allPods(kit)).map((p) => p.metadata.name);

async function ready(kit: WorkloadTestKit, name: string): Promise<void> {
  await kit.setPodStatus('default', name, runningReady(kit.clock.now()));
  await kit.settle();
}

async function status(kit: WorkloadTestKit): Promise<Record<string, unknown>> {
  return (await kit.get(STATEFULSETS, 'default', 'web')).status as Record<string, unknown>;
}

const setTemplateImage = (kit: WorkloadTestKit, image: string) =>
  kit.setTemplate(STATEFULSETS, 'default', 'web', podTemplate({ app: 'web' }, image));

const fingerprint = async (kit: WorkloadTestKit) =>
  (await allPods(kit)).map((p) => `${p.metadata.uid}@${p.metadata.resourceVersion}`).join();

/** Runs the controller, marking each new pod ready, until a pass changes no pod. */
async function converge(kit: WorkloadTestKit, sync: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const before = await fingerprint(kit);
    await sync();
    for (const p of await allPods(kit)) {
      if ((p.status as { phase?: string }).phase !== 'Running') await ready(kit, p.metadata.name!);
    }
    if ((await fingerprint(kit)) === before) return;
  }
  throw new Error('did not converge');
}

/** A finalizer that keeps deleted pods Terminating until the test lets them go. */
const HOLD = 'test.wisp.dev/hold';

async function hold(kit: WorkloadTestKit, name: string): Promise<void> {
  await kit.registry.modify(PODS, 'default', name, (p) => {
    p!.metadata.finalizers = [HOLD];
    return p!;
  });
}

async function release(kit: WorkloadTestKit, name: string): Promise<void> {
  await kit.registry.modify(PODS, 'default', name, (p) => {
    p!.metadata.finalizers = [];
    return p!;
  });
  await kit.settle();
}

describe('StatefulSet controller', () => {
  it('creates pods in order, each once the one before is Running and Ready', async () => {
    const { kit, sync } = await setup();
    await sync();
    assert.deepEqual(await names(kit), ['web-0']);
    await sync();
    assert.deepEqual(await names(kit), ['web-0'], 'web-1 waits for web-0');
    await ready(kit, 'web-0');
    await sync();
    assert.deepEqual(await names(kit), ['web-0', 'web-1']);
    await ready(kit, 'web-1');
    await sync();
    await ready(kit, 'web-2');
    await sync();
    const [pod] = await allPods(kit);
    const revision = (await kit.list(CONTROLLER_REVISIONS, 'default'))[0].metadata.name!;
    assert.equal(pod.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
    assert.equal(pod.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
    assert.equal(pod.metadata.labels?.['controller-revision-hash'], revision);
    assert.equal(pod.spec.hostname, 'web-0');
    assert.equal(pod.spec.subdomain, 'web');
    assert.equal(pod.metadata.ownerReferences?.[0].kind, 'StatefulSet');
    assert.deepEqual(await status(kit), {
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
    const events = await kit.events();
    assert.equal(events[0], 'SuccessfulCreate: create Pod web-0 in StatefulSet web successful');
    await kit.stop();
  });

  it('creates all pods at once under the Parallel policy', async () => {
    const { kit, sync } = await setup(statefulSet({ podManagementPolicy: 'Parallel' }));
    await sync();
    assert.deepEqual(await names(kit), ['web-0', 'web-1', 'web-2']);
    await kit.stop();
  });

  it('scales down highest ordinal first, one at a time, waiting for termination', async () => {
    const { kit, sync } = await setup();
    await converge(kit, sync);
    for (const p of await allPods(kit)) await hold(kit, p.metadata.name!);
    await kit.registry.modify(STATEFULSETS, 'default', 'web', (s) => {
      (s!.spec as { replicas: number }).replicas = 1;
      return s!;
    });
    await kit.settle();
    await sync();
    let pods = await allPods(kit);
    assert.deepEqual(
      pods.filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name),
      ['web-2'],
    );
    await sync();
    pods = await allPods(kit);
    assert.ok(!pods.find((p) => p.metadata.name === 'web-1')?.metadata.deletionTimestamp);
    await release(kit, 'web-2');
    await sync();
    pods = await allPods(kit);
    assert.ok(pods.find((p) => p.metadata.name === 'web-1')?.metadata.deletionTimestamp);
    await release(kit, 'web-1');
    await sync();
    assert.deepEqual(await names(kit), ['web-0']);
    assert.equal((await status(kit)).replicas, 1);
    await kit.stop();
  });

  it('rolls an update out from the highest ordinal down to the partition', async () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
    const { kit, sync } = await setup(statefulSet({ updateStrategy: strategy }));
    await converge(kit, sync);
    const before = (await status(kit)).currentRevision;
    await setTemplateImage(kit, 'web:2');
    await sync();
    assert.deepEqual(await names(kit), ['web-0', 'web-1'], 'web-2 deleted first');
    let s = await status(kit);
    assert.equal(s.currentRevision, before);
    assert.notEqual(s.updateRevision, before);
    await converge(kit, sync);
    const images = (await allPods(kit)).map((p) => p.spec.containers[0].image);
    assert.deepEqual(images, ['web:1', 'web:2', 'web:2'], 'web-0 stays below the partition');
    s = await status(kit);
    assert.equal(s.updatedReplicas, 2);
    assert.equal(s.currentReplicas, 1);
    assert.equal(s.currentRevision, before);
    await kit.registry.modify(STATEFULSETS, 'default', 'web', (x) => {
      (x!.spec as { updateStrategy: unknown }).updateStrategy = { type: 'RollingUpdate' };
      return x!;
    });
    await kit.settle();
    await converge(kit, sync);
    await sync();
    s = await status(kit);
    assert.equal(s.currentRevision, s.updateRevision, 'rollout complete');
    assert.equal(s.currentReplicas, 3);
    await kit.stop();
  });

  it('leaves pods at their revision under OnDelete', async () => {
    const { kit, sync } = await setup(statefulSet({ updateStrategy: { type: 'OnDelete' } }));
    await converge(kit, sync);
    await setTemplateImage(kit, 'web:2');
    await converge(kit, sync);
    const images = (await allPods(kit)).map((p) => p.spec.containers[0].image);
    assert.deepEqual(images, ['web:1', 'web:1', 'web:1']);
    await kit.registry.delete(PODS, 'default', 'web-1');
    await kit.settle();
    await converge(kit, sync);
    const after = (await allPods(kit)).map((p) => p.spec.containers[0].image);
    assert.deepEqual(after, ['web:1', 'web:2', 'web:1']);
    await kit.stop();
  });

  it('recreates a failed pod under the same name', async () => {
    const { kit, sync } = await setup(statefulSet({ replicas: 1 }));
    await converge(kit, sync);
    const uid = (await allPods(kit))[0].metadata.uid;
    await kit.setPodStatus('default', 'web-0', { phase: 'Failed' });
    await kit.settle();
    await sync();
    const [pod] = await allPods(kit);
    assert.equal(pod.metadata.name, 'web-0');
    assert.notEqual(pod.metadata.uid, uid);
    const events = await kit.events();
    assert.ok(
      events.includes(
        'RecreatingFailedPod: StatefulSet default/web is recreating failed Pod web-0',
      ),
    );
    await kit.stop();
  });

  it('repairs a pod whose identity labels were removed', async () => {
    const { kit, sync } = await setup(statefulSet({ replicas: 1 }));
    await converge(kit, sync);
    await kit.registry.modify(PODS, 'default', 'web-0', (p) => {
      delete p!.metadata.labels!['statefulset.kubernetes.io/pod-name'];
      return p!;
    });
    await kit.settle();
    await sync();
    const [pod] = await allPods(kit);
    assert.equal(pod.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
    await kit.stop();
  });

  it('rolls back by renumbering the earlier revision rather than creating one', async () => {
    const { kit, sync } = await setup(statefulSet({ replicas: 1 }));
    await converge(kit, sync);
    await setTemplateImage(kit, 'web:2');
    await converge(kit, sync);
    await setTemplateImage(kit, 'web:1');
    await converge(kit, sync);
    const revisions = (await kit.list(CONTROLLER_REVISIONS, 'default')) as (KubeObject & {
      revision: number;
    })[];
    assert.equal(revisions.length, 2);
    assert.deepEqual(revisions.map((r) => r.revision).sort(), [2, 3]);
    assert.equal((await allPods(kit))[0].spec.containers[0].image, 'web:1');
    await kit.stop();
  });

  it('hashes again with a higher collisionCount when another revision holds the name', async () => {
    const { kit, sync } = await setup(statefulSet({ replicas: 1 }));
    const data = templatePatch(await kit.get(STATEFULSETS, 'default', 'web'));
    const taken = revisionName('web', hashOf(data));
    await kit.create(CONTROLLER_REVISIONS, foreignRevision(taken));
    await kit.settle();
    await sync();
    const name = revisionName('web', hashOf(data, 1));
    const s = await status(kit);
    assert.equal(s.collisionCount, 1);
    assert.equal(s.updateRevision, name);
    const revisions = await kit.list(CONTROLLER_REVISIONS, 'default');
    assert.deepEqual(revisions.map((r) => r.metadata.name).sort(), [taken, name].sort());
    assert.equal((await allPods(kit))[0].metadata.labels?.[REVISION_HASH_LABEL], name);
    await kit.stop();
  });
});
