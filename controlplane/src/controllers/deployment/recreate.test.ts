import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  activePods,
  bindPod,
  deployment,
  PODS,
  podsIn,
  round,
} from '../replicaset/test/workloads.ts';
import { editDeployment, replicaSets, rollOut, setImage, setup } from './test/rollouts.ts';

describe('deployment Recreate strategy', () => {
  it('stops every old pod before the new ReplicaSet gets any', async () => {
    const { h, c } = await setup([deployment('web', 2, { strategy: { type: 'Recreate' } })]);
    await rollOut(h, c);
    // Bound pods terminate gracefully: they stay until their agent removes them.
    for (const pod of await podsIn(h)) await bindPod(h, pod, 'n1');
    await editDeployment(h, setImage('registry.local/web:2'));
    await round(h, c);
    let rss = await replicaSets(h);
    assert.deepEqual(
      rss.map((rs) => rs.spec?.replicas),
      [0],
    );
    assert.equal((await activePods(h)).length, 0);
    const terminating = await podsIn(h);
    assert.equal(terminating.length, 2);
    await round(h, c);
    assert.equal((await replicaSets(h)).length, 1, 'waits for terminating pods');
    for (const pod of terminating) {
      await h.registry.delete(PODS, 'default', pod.metadata.name!, { gracePeriodSeconds: 0 });
    }
    await round(h, c);
    rss = await replicaSets(h);
    assert.deepEqual(
      rss.map((rs) => rs.spec?.replicas),
      [0, 2],
    );
    await rollOut(h, c);
    const pods = await activePods(h);
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => p.spec?.containers[0].image === 'registry.local/web:2'));
    await h.stop();
  });
});
