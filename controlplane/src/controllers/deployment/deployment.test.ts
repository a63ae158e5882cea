import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPodReady } from '../replicaset/pod-conditions.ts';
import {
  activePods,
  deployment,
  markAllReady,
  ownerUid,
  podTemplate,
  round,
  settle,
} from '../replicaset/test/workloads.ts';
import { computeTemplateHash } from './template-hash.ts';
import type { DeploymentObject } from './types.ts';
import {
  condition,
  editDeployment,
  getDeployment,
  replicaSets,
  rollOut,
  setImage,
  setup,
} from './test/rollouts.ts';

describe('deployment controller', () => {
  it('creates a ReplicaSet named by template hash, at revision 1, with the pods', async () => {
    const { h, c } = await setup([deployment('web', 3)]);
    await c.deployments!.reconcile('default/web');
    const d = await getDeployment(h);
    const [rs] = await replicaSets(h);
    const hash = computeTemplateHash(d.spec!.template);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.equal(rs.metadata.labels?.['pod-template-hash'], hash);
    assert.deepEqual(rs.spec?.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
    assert.deepEqual(rs.spec?.template?.metadata?.labels, {
      app: 'web',
      'pod-template-hash': hash,
    });
    assert.equal(rs.spec?.replicas, 3);
    assert.deepEqual(rs.metadata.annotations, {
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    assert.equal(rs.metadata.ownerReferences?.[0].blockOwnerDeletion, true);
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(condition(d, 'Progressing')?.reason, 'NewReplicaSetCreated');
    const events = await h.list('Event', 'default');
    assert.ok(
      events.some((e) => e.message === `Scaled up replica set web-${hash} from 0 to 3`),
      'records the scale-up',
    );
    await h.stop();
  });

  it('reports a finished rollout once the pods are ready', async () => {
    const { h, c } = await setup([deployment('web', 3)]);
    await rollOut(h, c);
    const d = await getDeployment(h);
    const { conditions, ...counts } = d.status!;
    assert.deepEqual(counts, {
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    assert.deepEqual(
      conditions?.map((x) => [x.type, x.status, x.reason]),
      [
        ['Available', 'True', 'MinimumReplicasAvailable'],
        ['Progressing', 'True', 'NewReplicaSetAvailable'],
      ],
    );
    assert.match(
      condition(d, 'Progressing')!.message!,
      /^ReplicaSet "web-\w+" has successfully progressed\.$/,
    );
    await h.stop();
  });

  const strategies: [string, unknown, unknown, number, number][] = [
    ['numbers', 1, 1, 1, 1],
    ['percentages (surge rounds up, unavailable down)', '30%', '30%', 2, 1],
    ['surge only', 2, 0, 2, 0],
    ['unavailable only', 0, '50%', 0, 2],
  ];
  for (const [what, maxSurge, maxUnavailable, surge, unavailable] of strategies) {
    it(`rolls a new template out within maxSurge and maxUnavailable: ${what}`, async () => {
      const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } };
      const { h, c } = await setup([deployment('web', 4, { strategy })]);
      await rollOut(h, c);
      await editDeployment(h, setImage('registry.local/web:2'));
      let steps = 0;
      for (; steps < 40; steps++) {
        await round(h, c);
        const pods = await activePods(h);
        const ready = pods.filter(isPodReady).length;
        assert.ok(ready >= 4 - unavailable, `step ${steps}: ${ready} ready pods`);
        const rss = await replicaSets(h);
        const wanted = rss.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
        assert.ok(wanted <= 4 + surge, `step ${steps}: ${wanted} pods wanted`);
        assert.ok(pods.length <= 4 + surge, `step ${steps}: ${pods.length} pods`);
        if ((await markAllReady(h)) === 0 && rss[0].spec?.replicas === 0) {
          const d = await getDeployment(h);
          if (d.status?.updatedReplicas === 4 && d.status.availableReplicas === 4) break;
        }
        await round(h, { replicaSets: c.replicaSets });
      }
      assert.ok(steps > 1 && steps < 40, `finished in ${steps} steps`);
      await settle(h, c);
      const [old, current] = await replicaSets(h);
      assert.equal(old.spec?.replicas, 0);
      assert.equal(current.spec?.replicas, 4);
      assert.equal(current.spec?.template?.spec?.containers[0].image, 'registry.local/web:2');
      assert.equal(
        (await activePods(h)).filter((p) => ownerUid(p) === current.metadata.uid).length,
        4,
      );
      const d = await getDeployment(h);
      assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
      assert.equal(condition(d, 'Progressing')?.reason, 'NewReplicaSetAvailable');
      await h.stop();
    });
  }

  it('grows the new ReplicaSet by maxSurge, then shrinks the old by maxUnavailable', async () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } };
    const { h, c } = await setup([deployment('web', 4, { strategy })]);
    await rollOut(h, c);
    await editDeployment(h, setImage('registry.local/web:2'));
    const sizes = async () => (await replicaSets(h)).map((rs) => rs.spec?.replicas);
    await c.deployments!.reconcile('default/web');
    assert.deepEqual(await sizes(), [3, 1], 'one surge pod, one unavailable');
    await round(h, c);
    assert.deepEqual(await sizes(), [3, 2], 'the surge freed by the old pod goes to the new');
    await round(h, c);
    await round(h, c);
    assert.deepEqual(await sizes(), [3, 2], 'waits while the new pods are not ready');
    await markAllReady(h);
    await round(h, c);
    await round(h, c);
    assert.deepEqual(await sizes(), [1, 2], 'two ready new pods let two old ones go');
    await h.stop();
  });

  it('does not roll a paused Deployment, scales it in place, and rolls on resume', async () => {
    const { h, c } = await setup([deployment('web', 2)]);
    await rollOut(h, c);
    await editDeployment(h, (d) => (d.spec!.paused = true));
    await editDeployment(h, setImage('registry.local/web:2'));
    await rollOut(h, c);
    let d = await getDeployment(h);
    assert.equal((await replicaSets(h)).length, 1);
    assert.equal(condition(d, 'Progressing')?.reason, 'DeploymentPaused');
    assert.equal(condition(d, 'Progressing')?.status, 'Unknown');
    await editDeployment(h, (x) => (x.spec!.replicas = 5));
    await rollOut(h, c);
    const [only] = await replicaSets(h);
    assert.equal(only.spec?.replicas, 5);
    assert.equal(only.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '5');
    assert.equal((await activePods(h)).length, 5);
    await editDeployment(h, (x) => (x.spec!.paused = false));
    await c.deployments!.reconcile('default/web');
    d = await getDeployment(h);
    assert.equal(condition(d, 'Progressing')?.reason, 'NewReplicaSetCreated');
    await rollOut(h, c);
    const rss = await replicaSets(h);
    assert.deepEqual(
      rss.map((rs) => rs.spec?.replicas),
      [0, 5],
    );
    d = await getDeployment(h);
    assert.equal(condition(d, 'Progressing')?.reason, 'NewReplicaSetAvailable');
    await h.stop();
  });

  it('scales ReplicaSets in proportion when resized during a rollout', async () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };
    const { h, c } = await setup([deployment('web', 10, { strategy })]);
    await rollOut(h, c);
    await editDeployment(h, setImage('registry.local/web:2'));
    await settle(h, c);
    const before = (await replicaSets(h)).map((rs) => rs.spec?.replicas);
    assert.deepEqual(before, [8, 5], 'new pods not ready: stuck at the fenceposts');
    await editDeployment(h, (d) => (d.spec!.replicas = 20));
    await c.deployments!.reconcile('default/web');
    const after = (await replicaSets(h)).map((rs) => rs.spec?.replicas);
    // 20 + surge 3 = 23 pods, shared 8:5 as before.
    assert.deepEqual(after, [14, 9]);
    await h.stop();
  });

  it('adopts a matching orphan ReplicaSet instead of creating another', async () => {
    const d = deployment('web', 2);
    const hash = computeTemplateHash((d.spec as DeploymentObject['spec'])!.template);
    const { h, c } = await setup([d]);
    const spec = d.spec as DeploymentObject['spec'];
    const template = structuredClone(spec!.template);
    const stored = (await getDeployment(h)).spec!.template;
    template.metadata!.labels!['pod-template-hash'] = hash;
    await h.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'leftover', namespace: 'default', labels: template.metadata!.labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { ...stored, metadata: template.metadata },
      },
    });
    await rollOut(h, c);
    const rss = await replicaSets(h);
    assert.deepEqual(
      rss.map((rs) => rs.metadata.name),
      ['leftover'],
    );
    assert.equal(rss[0].metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    await h.stop();
  });

  it('picks another name when another template holds the hashed one', async () => {
    const { h, c } = await setup([deployment('web', 1)]);
    const d = await getDeployment(h);
    const taken = `web-${computeTemplateHash(d.spec!.template)}`;
    await h.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: taken, namespace: 'default' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'squatter' } },
        template: podTemplate({ app: 'squatter' }, 'registry.local/other:1'),
      },
    });
    await h.sync();
    await assert.rejects(c.deployments!.reconcile('default/web'), { code: 'ERR_ALREADY_EXISTS' });
    assert.equal((await getDeployment(h)).status?.collisionCount, 1);
    await h.sync();
    await rollOut(h, c);
    const [rs] = await replicaSets(h);
    assert.equal(rs.metadata.name, `web-${computeTemplateHash(d.spec!.template, 1)}`);
    assert.equal((await activePods(h)).length, 1);
    await h.stop();
  });
});
