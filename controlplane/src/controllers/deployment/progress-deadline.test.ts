import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rfc3339 } from '@wisp/core';
import {
  deployment,
  markAllReady,
  podsIn,
  round,
  setPodStatus,
} from '../replicaset/test/workloads.ts';
import { condition, getDeployment, rollOut, setup } from './test/rollouts.ts';

describe('deployment progress deadline', () => {
  it('marks a rollout that stops moving ProgressDeadlineExceeded, on time', async () => {
    const { h, c } = await setup([deployment('web', 2, { progressDeadlineSeconds: 30 })]);
    // Create the ReplicaSet, create its pods, then see them counted.
    for (let i = 0; i < 3; i++) await round(h, c);
    let d = await getDeployment(h);
    assert.equal(condition(d, 'Progressing')?.reason, 'ReplicaSetUpdated');
    assert.equal(condition(d, 'Available')?.reason, 'MinimumReplicasUnavailable');
    const result = await c.deployments!.reconcile('default/web');
    assert.deepEqual(result, { requeueAfterMs: 30_001 }, 'looks again when the deadline passes');
    h.clock.advance(30_001);
    assert.equal(await c.deployments!.reconcile('default/web'), undefined);
    d = await getDeployment(h);
    const progressing = condition(d, 'Progressing')!;
    assert.equal(progressing.status, 'False');
    assert.equal(progressing.reason, 'ProgressDeadlineExceeded');
    assert.match(progressing.message!, /^ReplicaSet "web-\w+" has timed out progressing\.$/);
    await markAllReady(h);
    await rollOut(h, c);
    d = await getDeployment(h);
    assert.equal(condition(d, 'Progressing')?.reason, 'NewReplicaSetAvailable');
    assert.equal(condition(d, 'Available')?.status, 'True');
    await h.stop();
  });

  it('restarts the deadline whenever the rollout makes progress', async () => {
    const { h, c } = await setup([deployment('web', 2, { progressDeadlineSeconds: 30 })]);
    for (let i = 0; i < 3; i++) await round(h, c);
    h.clock.advance(20_000);
    const [pod] = await podsIn(h);
    await setPodStatus(h, pod, 'Running', true);
    await round(h, c);
    await round(h, c);
    let d = await getDeployment(h);
    assert.equal(condition(d, 'Progressing')?.lastUpdateTime, rfc3339(h.clock.now()));
    h.clock.advance(20_000);
    await round(h, c);
    d = await getDeployment(h);
    assert.equal(condition(d, 'Progressing')?.reason, 'ReplicaSetUpdated', 'not timed out');
    h.clock.advance(10_001);
    await round(h, c);
    d = await getDeployment(h);
    assert.equal(condition(d, 'Progressing')?.reason, 'ProgressDeadlineExceeded');
    await h.stop();
  });
});
