import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@wisp/api';
import { rfc3339, rfc3339Micro } from '@wisp/core';
import { createDefaultTolerationSeconds } from '../../admission/default-toleration-seconds.ts';
import { createHarness, resourceOf, type Harness } from '../../admission/test/harness.ts';
import { createNodeLifecycleController } from './node-lifecycle-controller.ts';

const NODES = resourceOf('Node');
const PODS = resourceOf('Pod');
const LEASES = resourceOf('Lease');

type Conditions = { type: string; status: string; reason?: string; message?: string }[];
type Taints = { key: string; effect: string; timeAdded?: string }[];

function setup() {
  const h = createHarness({ admission: () => [createDefaultTolerationSeconds({})] });
  const ctl = createNodeLifecycleController({}, h);
  return { h, ctl };
}

async function node(h: Harness, name: string): Promise<void> {
  const now = rfc3339(h.clock.now());
  await h.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
        {
          type: 'MemoryPressure',
          status: 'False',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
    },
  });
  await h.create({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'kube-node-lease' },
    spec: {
      holderIdentity: name,
      leaseDurationSeconds: 40,
      renewTime: rfc3339Micro(h.clock.now()),
    },
  });
}

async function renew(h: Harness, name: string): Promise<void> {
  await h.registry.modify(LEASES, 'kube-node-lease', name, (lease) => {
    (lease!.spec as { renewTime: string }).renewTime = rfc3339Micro(h.clock.now());
    return lease!;
  });
  await h.sync();
}

async function pod(
  h: Harness,
  name: string,
  extra: Partial<KubeObject['metadata']> = {},
  tolerations?: unknown[],
) {
  const created = await h.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...extra },
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'c', image: 'app:1' }],
      ...(tolerations ? { tolerations } : {}),
    },
  });
  created.status = {
    phase: 'Running',
    podIP: '10.42.0.5',
    conditions: [{ type: 'Ready', status: 'True' }],
  };
  return h.registry.update(PODS, 'default', created, { subresource: 'status' });
}

const nodeOf = async (h: Harness) => (await h.get('Node', undefined, 'n1'))!;
const readyOf = async (h: Harness) =>
  ((await nodeOf(h)).status as { conditions: Conditions }).conditions.find(
    (c) => c.type === 'Ready',
  )!;
const taintsOf = async (h: Harness) =>
  ((await nodeOf(h)).spec as { taints?: Taints } | undefined)?.taints;

/** Lets the controller see its own writes, then runs it. */
async function step(h: Harness, run: () => Promise<unknown>): Promise<unknown> {
  await h.sync();
  return run();
}

async function loseNode(h: Harness, ctl: ReturnType<typeof setup>['ctl']): Promise<void> {
  await step(h, () => ctl.reconcile('n1'));
  // Past the 40 s grace, on a whole second so the taint's timeAdded is exact.
  h.clock.advance(41_000);
  await step(h, () => ctl.reconcile('n1'));
  await h.sync();
}

describe('node lifecycle', () => {
  it('marks a node whose lease stopped 40 s ago Ready=Unknown and taints it unreachable', async () => {
    const { h, ctl } = setup();
    await node(h, 'n1');
    await h.start();
    assert.deepEqual(await step(h, () => ctl.reconcile('n1')), { requeueAfterMs: 40_001 });
    h.clock.advance(40_000);
    await step(h, () => ctl.reconcile('n1'));
    assert.equal((await readyOf(h)).status, 'True', 'not yet: 40 s is the limit');
    h.clock.advance(1);
    await step(h, () => ctl.reconcile('n1'));
    const ready = await readyOf(h);
    assert.deepEqual(
      [ready.status, ready.reason, ready.message],
      ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
    );
    const conditions = ((await nodeOf(h)).status as { conditions: Conditions }).conditions;
    assert.ok(conditions.every((c) => c.status === 'Unknown'));
    const at = rfc3339(h.clock.now());
    assert.deepEqual(await taintsOf(h), [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: at },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at },
    ]);
    const events = await h.list('Event', 'default');
    assert.ok(events.some((e) => e.reason === 'NodeNotReady'));
  });

  it('keeps a node whose agent renews its lease ready', async () => {
    const { h, ctl } = setup();
    await node(h, 'n1');
    await h.start();
    await step(h, () => ctl.reconcile('n1'));
    for (let i = 0; i < 4; i++) {
      h.clock.advance(30_000);
      await renew(h, 'n1');
      await step(h, () => ctl.reconcile('n1'));
    }
    assert.equal((await readyOf(h)).status, 'True');
    assert.equal(await taintsOf(h), undefined);
  });

  it('takes the pods of a lost node out of service', async () => {
    const { h, ctl } = setup();
    await node(h, 'n1');
    await pod(h, 'web');
    await h.start();
    await loseNode(h, ctl);
    const p = (await h.get('Pod', 'default', 'web'))!;
    const ready = (p.status as { conditions: Conditions }).conditions.find(
      (c) => c.type === 'Ready',
    );
    assert.equal(ready?.status, 'False');
  });

  it('lifts the taints once the agent reports Ready again', async () => {
    const { h, ctl } = setup();
    await node(h, 'n1');
    await h.start();
    await loseNode(h, ctl);
    await renew(h, 'n1');
    const current = await h.registry.get(NODES, undefined, 'n1');
    const ready = (current.status as { conditions: Conditions }).conditions.find(
      (c) => c.type === 'Ready',
    )!;
    Object.assign(ready, {
      status: 'True',
      reason: 'KubeletReady',
      lastHeartbeatTime: rfc3339(h.clock.now()),
    });
    await h.registry.update(NODES, undefined, current, { subresource: 'status' });
    await step(h, () => ctl.reconcile('n1'));
    assert.equal(await taintsOf(h), undefined);
  });

  it('taints a cordoned node unschedulable and untaints it when uncordoned', async () => {
    const { h, ctl } = setup();
    await node(h, 'n1');
    await h.start();
    const cordon = async (on: boolean) => {
      await h.registry.modify(NODES, undefined, 'n1', (n) => {
        n!.spec = { ...(n!.spec as object), unschedulable: on };
        return n!;
      });
      await step(h, () => ctl.reconcile('n1'));
    };
    await cordon(true);
    assert.deepEqual(
      (await taintsOf(h))?.map((t) => [t.key, t.effect]),
      [['node.kubernetes.io/unschedulable', 'NoSchedule']],
    );
    await cordon(false);
    assert.equal(await taintsOf(h), undefined);
  });
});

describe('NoExecute taint manager', () => {
  const unreachable = (seconds?: number) => ({
    key: 'node.kubernetes.io/unreachable',
    operator: 'Exists',
    effect: 'NoExecute',
    ...(seconds === undefined ? {} : { tolerationSeconds: seconds }),
  });

  it('evicts a pod when its tolerationSeconds run out after the node was lost', async () => {
    const { h, ctl } = setup();
    await node(h, 'n1');
    await pod(h, 'web', {}, [unreachable(60)]);
    await h.start();
    await loseNode(h, ctl);
    assert.deepEqual(await step(h, () => ctl.reconcilePod('default/web')), {
      requeueAfterMs: 60_000,
    });
    h.clock.advance(59_999);
    await step(h, () => ctl.reconcilePod('default/web'));
    assert.ok(await h.get('Pod', 'default', 'web'), 'still there a millisecond before');
    h.clock.advance(1);
    await step(h, () => ctl.reconcilePod('default/web'));
    assert.equal(await h.get('Pod', 'default', 'web'), undefined, 'deleted with grace 0');
    const events = await h.list('Event', 'default');
    const eviction = events.find((e) => e.reason === 'TaintManagerEviction');
    assert.equal(eviction?.message, 'Marking for deletion Pod default/web');
  });

  it('evicts an ordinary pod after the default 300 s', async () => {
    const { h, ctl } = setup();
    await node(h, 'n1');
    await pod(h, 'web');
    await h.start();
    await loseNode(h, ctl);
    assert.deepEqual(await step(h, () => ctl.reconcilePod('default/web')), {
      requeueAfterMs: 300_000,
    });
  });

  it('never evicts an edge-autonomy pod from a lost node', async () => {
    const { h, ctl } = setup();
    await node(h, 'n1');
    await pod(h, 'edge', { annotations: { 'wisp.dev/edge-autonomy': 'true' } });
    await h.start();
    await loseNode(h, ctl);
    h.clock.advance(24 * 3600_000);
    assert.equal(await step(h, () => ctl.reconcilePod('default/edge')), undefined);
    assert.ok(await h.get('Pod', 'default', 'edge'));
  });

  it('evicts at once a pod that does not tolerate the taint at all', async () => {
    const { h, ctl } = setup();
    await node(h, 'n1');
    await pod(h, 'strict', {}, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    ]);
    await h.registry.modify(NODES, undefined, 'n1', (n) => {
      n!.spec = { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] };
      return n!;
    });
    await h.start();
    await step(h, () => ctl.reconcilePod('default/strict'));
    assert.equal(await h.get('Pod', 'default', 'strict'), undefined);
  });

  it('leaves the pod alone when the node comes back before the deadline', async () => {
    const { h, ctl } = setup();
    await node(h, 'n1');
    await pod(h, 'web', {}, [unreachable(60)]);
    await h.start();
    await loseNode(h, ctl);
    h.clock.advance(30_000);
    await h.registry.modify(NODES, undefined, 'n1', (n) => {
      delete (n!.spec as { taints?: unknown }).taints;
      return n!;
    });
    h.clock.advance(30_000);
    assert.equal(await step(h, () => ctl.reconcilePod('default/web')), undefined);
    assert.ok(await h.get('Pod', 'default', 'web'));
  });
});

describe('node lifecycle loop', () => {
  it('notices a silent node on its own clock, without anyone asking', async () => {
    const { h, ctl } = setup();
    await node(h, 'n1');
    await h.start();
    ctl.start();
    try {
      for (let t = 0; t < 45 && (await readyOf(h)).status === 'True'; t++) {
        await h.clock.advanceAsync(1_000);
        await h.sync();
        for (let i = 0; i < 50 && !ctl.idle(); i++) await new Promise((r) => setImmediate(r));
      }
      assert.equal((await readyOf(h)).status, 'Unknown');
    } finally {
      await ctl.stop();
      await h.stop();
    }
  });
});
