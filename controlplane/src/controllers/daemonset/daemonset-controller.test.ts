import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@wisp/api';
import {
  CONTROLLER_REVISIONS,
  REVISION_HASH_LABEL,
  hashOf,
  revisionName,
  templatePatch,
} from './shared/controller-history.ts';
import { PODS } from './shared/pod-control.ts';
import {
  NODES,
  createWorkloadTestKit,
  foreignRevision,
  podTemplate,
  runningReady,
  testNode,
} from './test/workload-test-kit.ts';
import type { WorkloadTestKit } from './test/workload-test-kit.ts';
import { DAEMONSETS, createDaemonSetController } from './daemonset-controller.ts';

const KEY = 'default/agent';

function daemonSet(spec: Record<string, unknown> = {}, image = 'agent:1'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: podTemplate({ app: 'agent' }, image),
      ...spec,
    },
  };
}

async function setup(nodes: KubeObject[], ds: KubeObject = daemonSet()) {
  const kit = await createWorkloadTestKit();
  const controller = createDaemonSetController({}, kit.components);
  await kit.start();
  for (const n of nodes) await kit.create(NODES, n);
  await kit.create(DAEMONSETS, ds);
  await kit.settle();
  const sync = async () => {
    await controller.reconcile(KEY);
    await kit.settle();
  };
  return { kit, controller, sync };
}

type Pod = KubeObject & {
  spec: {
    nodeName?: string;
    tolerations?: { key?: string; effect?: string }[];
    affinity?: unknown;
    containers: { image: string }[];
  };
};

async function livePods(kit: WorkloadTestKit): Promise<Pod[]> {
  const pods = (await kit.list(PODS, 'default')) as Pod[];
  return pods.filter((p) => !p.metadata.deletionTimestamp);
}

async function nodesWithPods(kit: WorkloadTestKit): Promise<string[]> {
  return (await livePods(kit)).map((p) => p.spec.nodeName ?? '').sort();
}

async function status(kit: WorkloadTestKit): Promise<Record<string, unknown>> {
  return (await kit.get(DAEMONSETS, 'default', 'agent')).status as Record<string, unknown>;
}

const setImage = (kit: WorkloadTestKit, image: string) =>
  kit.setTemplate(DAEMONSETS, 'default', 'agent', podTemplate({ app: 'agent' }, image));

type Revision = KubeObject & { revision: number };

async function revisions(kit: WorkloadTestKit): Promise<Revision[]> {
  const list = (await kit.list(CONTROLLER_REVISIONS, 'default')) as Revision[];
  return list.sort((a, b) => a.revision - b.revision);
}

async function readyAll(kit: WorkloadTestKit): Promise<void> {
  for (const p of await livePods(kit)) {
    await kit.setPodStatus('default', p.metadata.name!, runningReady(kit.clock.now()));
  }
  await kit.settle();
}

describe('DaemonSet controller', () => {
  it('creates one pod per node, bound to it, with the daemon tolerations', async () => {
    const { kit, sync } = await setup([testNode('n1'), testNode('n2')]);
    await sync();
    const pods = await livePods(kit);
    assert.deepEqual(await nodesWithPods(kit), ['n1', 'n2']);
    const pod = pods.find((p) => p.spec.nodeName === 'n1')!;
    assert.equal(pod.metadata.generateName, 'agent-');
    assert.equal(pod.metadata.ownerReferences?.[0].kind, 'DaemonSet');
    assert.equal(pod.metadata.ownerReferences?.[0].controller, true);
    assert.ok(pod.metadata.labels?.['controller-revision-hash']);
    const keys = pod.spec.tolerations!.map((t) => `${t.key}:${t.effect}`);
    assert.ok(keys.includes('node.kubernetes.io/not-ready:NoExecute'));
    assert.ok(keys.includes('node.kubernetes.io/unschedulable:NoSchedule'));
    assert.deepEqual(pod.spec.affinity, {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
          ],
        },
      },
    });
    assert.deepEqual((await kit.events()).sort(), [
      `SuccessfulCreate: Created pod: ${pods[0].metadata.name}`,
      `SuccessfulCreate: Created pod: ${pods[1].metadata.name}`,
    ]);
    await kit.stop();
  });

  it('skips nodes the selector, affinity or an untolerated taint rules out', async () => {
    const nodes = [
      testNode('edge-1', { labels: { role: 'edge' } }),
      testNode('edge-2', {
        labels: { role: 'edge' },
        taints: [{ key: 'k', effect: 'NoSchedule' }],
      }),
      testNode('core-1', { labels: { role: 'core' } }),
      testNode('edge-3', {
        labels: { role: 'edge' },
        taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }],
      }),
    ];
    const ds = daemonSet({
      template: podTemplate({ app: 'agent' }, 'agent:1', { nodeSelector: { role: 'edge' } }),
    });
    const { kit, sync } = await setup(nodes, ds);
    await sync();
    assert.deepEqual(await nodesWithPods(kit), ['edge-1', 'edge-3']);
    await sync();
    const s = await status(kit);
    assert.equal(s.desiredNumberScheduled, 2);
    assert.equal(s.currentNumberScheduled, 2);
    assert.equal(s.numberMisscheduled, 0);
    assert.equal(s.numberReady, 0);
    assert.equal(s.numberUnavailable, 2);
    assert.equal(s.observedGeneration, 1);
    await kit.stop();
  });

  it('follows nodes that join, leave or stop matching', async () => {
    const { kit, sync } = await setup([testNode('n1'), testNode('n2')]);
    await sync();
    await kit.create(NODES, testNode('n3'));
    await kit.registry.delete(NODES, undefined, 'n1');
    await kit.settle();
    await sync();
    assert.deepEqual(await nodesWithPods(kit), ['n2', 'n3']);
    await kit.registry.modify(NODES, undefined, 'n2', (n) => {
      n!.spec = { taints: [{ key: 'dedicated', value: 'x', effect: 'NoExecute' }] };
      return n!;
    });
    await kit.settle();
    await sync();
    assert.deepEqual(await nodesWithPods(kit), ['n3']);
    await kit.stop();
  });

  it('keeps a running pod on a node that gained a NoSchedule taint, as misscheduled', async () => {
    const { kit, sync } = await setup([testNode('n1')]);
    await sync();
    await kit.registry.modify(NODES, undefined, 'n1', (n) => {
      n!.spec = { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] };
      return n!;
    });
    await kit.settle();
    await sync();
    assert.deepEqual(await nodesWithPods(kit), ['n1']);
    const s = await status(kit);
    assert.equal(s.desiredNumberScheduled, 0);
    assert.equal(s.numberMisscheduled, 1);
    await kit.stop();
  });

  it('counts ready and available pods, waiting out minReadySeconds on the clock', async () => {
    const ds = daemonSet({ minReadySeconds: 30 });
    const { kit, sync } = await setup([testNode('n1'), testNode('n2')], ds);
    await sync();
    await readyAll(kit);
    await sync();
    let s = await status(kit);
    assert.equal(s.numberReady, 2);
    assert.equal(s.numberAvailable, 0);
    assert.equal(s.updatedNumberScheduled, 2);
    kit.clock.advance(31_000);
    await sync();
    s = await status(kit);
    assert.equal(s.numberAvailable, 2);
    assert.equal(s.numberUnavailable, 0);
    await kit.stop();
  });

  it('rolls a new template out one node at a time within maxUnavailable', async () => {
    const nodes = [testNode('n1'), testNode('n2'), testNode('n3')];
    const { kit, sync } = await setup(nodes);
    await sync();
    await readyAll(kit);
    await kit.registry.modify(DAEMONSETS, 'default', 'agent', (ds) => {
      const spec = ds!.spec as { template: ReturnType<typeof podTemplate> };
      spec.template = podTemplate({ app: 'agent' }, 'agent:2');
      return ds!;
    });
    await kit.settle();
    for (let step = 0; step < 3; step++) {
      await sync();
      const terminating = ((await kit.list(PODS, 'default')) as Pod[]).filter(
        (p) => p.metadata.deletionTimestamp,
      );
      assert.equal(terminating.length, 1, `step ${step}: one pod at a time`);
      await kit.finishDeletion('default', terminating[0].metadata.name!);
      await kit.settle();
      await sync();
      assert.equal((await livePods(kit)).length, 3);
      await readyAll(kit);
    }
    const images = (await livePods(kit)).map((p) => p.spec.containers[0].image);
    assert.deepEqual(images, ['agent:2', 'agent:2', 'agent:2']);
    await sync();
    const s = await status(kit);
    assert.equal(s.updatedNumberScheduled, 3);
    assert.equal((await kit.list(CONTROLLER_REVISIONS, 'default')).length, 2);
    await kit.stop();
  });

  it('surges a new pod beside the old one and removes the old once it is available', async () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    const { kit, sync } = await setup([testNode('n1')], daemonSet({ updateStrategy: strategy }));
    await sync();
    await readyAll(kit);
    await kit.registry.modify(DAEMONSETS, 'default', 'agent', (ds) => {
      (ds!.spec as { template: unknown }).template = podTemplate({ app: 'agent' }, 'agent:2');
      return ds!;
    });
    await kit.settle();
    await sync();
    let pods = await livePods(kit);
    assert.deepEqual(pods.map((p) => p.spec.containers[0].image).sort(), ['agent:1', 'agent:2']);
    await readyAll(kit);
    await sync();
    pods = await livePods(kit);
    assert.deepEqual(
      pods.map((p) => p.spec.containers[0].image),
      ['agent:2'],
    );
    await kit.stop();
  });

  it('leaves old pods alone under OnDelete until someone deletes them', async () => {
    const ds = daemonSet({ updateStrategy: { type: 'OnDelete' } });
    const { kit, sync } = await setup([testNode('n1'), testNode('n2')], ds);
    await sync();
    await readyAll(kit);
    await kit.registry.modify(DAEMONSETS, 'default', 'agent', (d) => {
      (d!.spec as { template: unknown }).template = podTemplate({ app: 'agent' }, 'agent:2');
      return d!;
    });
    await kit.settle();
    await sync();
    const pods = await livePods(kit);
    assert.deepEqual(
      pods.map((p) => p.spec.containers[0].image),
      ['agent:1', 'agent:1'],
    );
    assert.equal((await status(kit)).updatedNumberScheduled, 0);
    await kit.registry.delete(PODS, 'default', pods[0].metadata.name!, { gracePeriodSeconds: 0 });
    await kit.settle();
    await sync();
    const images = (await livePods(kit)).map((p) => p.spec.containers[0].image).sort();
    assert.deepEqual(images, ['agent:1', 'agent:2']);
    await kit.stop();
  });

  it('replaces a failed pod, backing off when it fails again on the same node', async () => {
    const { kit, controller, sync } = await setup([testNode('n1')]);
    await sync();
    const fail = async () => {
      const [pod] = await livePods(kit);
      await kit.setPodStatus('default', pod.metadata.name!, { phase: 'Failed' });
      await kit.settle();
    };
    await fail();
    await sync();
    assert.equal((await livePods(kit)).length, 0, 'failed pod deleted');
    await sync();
    assert.equal((await livePods(kit)).length, 1, 'replacement created');
    await fail();
    const result = await controller.reconcile(KEY);
    assert.equal(result?.requeueAfterMs, 1000, 'second failure waits out the back-off');
    assert.equal((await livePods(kit)).length, 1);
    kit.clock.advance(1000);
    await sync();
    assert.equal((await livePods(kit)).length, 0);
    const events = await kit.events();
    assert.ok(
      events.some((e) => e.startsWith('FailedDaemonPod: Found failed daemon pod default/')),
    );
    await kit.stop();
  });

  it('adopts a matching orphan pod instead of creating a second one', async () => {
    const { kit, sync } = await setup([testNode('n1')]);
    await kit.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', namespace: 'default', labels: { app: 'agent' } },
      spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'agent:1' }] },
    });
    await kit.settle();
    await sync();
    // Adopted, then (lacking the current hash and not ready) replaced by the rolling update.
    const pods = await kit.list(PODS, 'default');
    assert.deepEqual(
      pods.map((p) => p.metadata.name),
      ['stray'],
    );
    assert.equal(pods[0].metadata.ownerReferences?.[0].name, 'agent');
    await kit.stop();
  });

  it('keeps revisionHistoryLimit old revisions that no pod runs', async () => {
    const ds = daemonSet({ revisionHistoryLimit: 1, updateStrategy: { type: 'OnDelete' } });
    const { kit, sync } = await setup([], ds);
    for (const image of ['agent:2', 'agent:3', 'agent:4']) {
      await sync();
      await setImage(kit, image);
    }
    await sync();
    await sync();
    assert.deepEqual(
      (await revisions(kit)).map((r) => r.revision),
      [3, 4],
    );
    await kit.stop();
  });

  it('renumbers the earlier revision to the top when the template returns to it', async () => {
    const { kit, sync } = await setup([], daemonSet({ updateStrategy: { type: 'OnDelete' } }));
    await sync();
    const first = (await revisions(kit))[0].metadata.name;
    await setImage(kit, 'agent:2');
    await sync();
    await setImage(kit, 'agent:1');
    await sync();
    const after = await revisions(kit);
    assert.deepEqual(
      after.map((r) => r.revision),
      [2, 3],
    );
    assert.equal(after[1].metadata.name, first, 'the first revision, reused');
    await kit.stop();
  });

  it('labels an owned revision written without its hash label with its name', async () => {
    const { kit, sync } = await setup([]);
    const ds = await kit.get(DAEMONSETS, 'default', 'agent');
    const ref = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', controller: true };
    await kit.create(CONTROLLER_REVISIONS, {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: 'agent-legacy',
        namespace: 'default',
        labels: { app: 'agent' },
        ownerReferences: [{ ...ref, uid: ds.metadata.uid! }],
      },
      data: templatePatch(ds),
      revision: 1,
    });
    await kit.settle();
    await sync();
    const after = await revisions(kit);
    assert.deepEqual(
      after.map((r) => [r.metadata.name, r.metadata.labels?.[REVISION_HASH_LABEL], r.revision]),
      [['agent-legacy', 'agent-legacy', 1]],
    );
    await kit.stop();
  });

  it('raises collisionCount and hashes anew when another revision holds the name', async () => {
    const { kit, controller, sync } = await setup([testNode('n1')]);
    const template = (await kit.get(DAEMONSETS, 'default', 'agent')).spec as { template: unknown };
    const taken = revisionName('agent', hashOf(template.template));
    await kit.create(CONTROLLER_REVISIONS, foreignRevision(taken));
    await kit.settle();
    await assert.rejects(controller.reconcile(KEY), { code: 'ERR_CONFLICT' });
    await kit.settle();
    assert.equal((await status(kit)).collisionCount, 1);
    await sync();
    const hash = hashOf(template.template, 1);
    assert.deepEqual(
      (await revisions(kit)).map((r) => r.metadata.name),
      [taken, revisionName('agent', hash)],
    );
    const labels = (await livePods(kit)).map((p) => p.metadata.labels?.[REVISION_HASH_LABEL]);
    assert.deepEqual(labels, [hash]);
    await kit.stop();
  });
});
