import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@wisp/api';
import { activePods, deployment, DEPLOYMENTS, ownerUid } from '../replicaset/test/workloads.ts';
import { equalIgnoreHash } from './template-hash.ts';
import {
  editDeployment,
  getDeployment,
  replicaSets,
  rollOut,
  setImage,
  setup,
} from './test/rollouts.ts';
import type { Harness } from '../../admission/test/harness.ts';
import type { ReplicaSetObject } from './types.ts';

const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/** Annotations `kubectl rollout undo` keeps from the Deployment rather than the ReplicaSet. */
const KEPT_BY_UNDO = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/**
 * What `kubectl rollout undo --to-revision` does: find the Deployment's ReplicaSet with that
 * revision and replace the Deployment's template (minus pod-template-hash) and annotations.
 */
async function undo(h: Harness, toRevision: number): Promise<void> {
  const rs = (await replicaSets(h)).find(
    (x) => x.metadata.annotations?.[REVISION] === String(toRevision),
  );
  if (!rs) throw new Error(`unable to find specified revision ${toRevision} in history`);
  const template = structuredClone(rs.spec!.template!);
  delete template.metadata!.labels!['pod-template-hash'];
  await h.registry.modify(DEPLOYMENTS, 'default', 'web', (cur) => {
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(cur!.metadata.annotations ?? {})) {
      if (KEPT_BY_UNDO.has(k)) annotations[k] = v;
    }
    for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) {
      if (!KEPT_BY_UNDO.has(k)) annotations[k] = v;
    }
    (cur!.spec as { template: unknown }).template = template;
    cur!.metadata.annotations = annotations;
    return cur!;
  });
  await h.sync();
}

/** What `kubectl rollout history` prints: revision and change-cause, in revision order. */
function history(rss: readonly ReplicaSetObject[]): [string, string][] {
  return rss.map((rs) => [
    rs.metadata.annotations?.[REVISION] ?? '',
    rs.metadata.annotations?.[CHANGE_CAUSE] ?? '<none>',
  ]);
}

function changeCause(cause: string) {
  return (d: KubeObject) => {
    d.metadata.annotations = { ...d.metadata.annotations, [CHANGE_CAUSE]: cause };
  };
}

describe('deployment revision history', () => {
  it('keeps one ReplicaSet per revision with its change-cause', async () => {
    const { h, c } = await setup([deployment('web', 2, {}, { [CHANGE_CAUSE]: 'first' })]);
    await rollOut(h, c);
    await editDeployment(h, (d) => {
      setImage('registry.local/web:2')(d);
      changeCause('second')(d);
    });
    await rollOut(h, c);
    // `kubectl rollout restart` is a template annotation change like any other.
    await editDeployment(h, (d) => {
      d.spec!.template.metadata!.annotations = {
        'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z',
      };
    });
    await rollOut(h, c);
    assert.deepEqual(history(await replicaSets(h)), [
      ['1', 'first'],
      ['2', 'second'],
      ['3', 'second'],
    ]);
    const d = await getDeployment(h);
    assert.equal(d.metadata.annotations?.[REVISION], '3');
    await h.stop();
  });

  it('rolls back by reusing the earlier ReplicaSet as the next revision', async () => {
    const { h, c } = await setup([deployment('web', 3, {}, { [CHANGE_CAUSE]: 'v1' })]);
    await rollOut(h, c);
    const [first] = await replicaSets(h);
    await editDeployment(h, (d) => {
      setImage('registry.local/web:2')(d);
      changeCause('v2')(d);
    });
    await rollOut(h, c);
    await undo(h, 1);
    await rollOut(h, c);
    const rss = await replicaSets(h);
    assert.equal(rss.length, 2, 'no new ReplicaSet for a template seen before');
    const current = rss.find((rs) => rs.metadata.uid === first.metadata.uid)!;
    assert.equal(current.metadata.annotations?.[REVISION], '3');
    assert.equal(current.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(current.spec?.replicas, 3);
    assert.deepEqual(history(rss), [
      ['2', 'v2'],
      ['3', 'v1'],
    ]);
    const d = await getDeployment(h);
    assert.equal(d.metadata.annotations?.[REVISION], '3');
    assert.equal(d.metadata.annotations?.[CHANGE_CAUSE], 'v1');
    assert.ok(equalIgnoreHash(d.spec?.template, current.spec?.template));
    const pods = await activePods(h);
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => ownerUid(p) === first.metadata.uid));
    assert.ok(pods.every((p) => p.spec?.containers[0].image === 'registry.local/web:1'));
    await h.stop();
  });

  it('deletes empty ReplicaSets beyond revisionHistoryLimit, lowest revision first', async () => {
    const { h, c } = await setup([deployment('web', 2, { revisionHistoryLimit: 2 })]);
    await rollOut(h, c);
    for (const v of [2, 3, 4, 5]) {
      await editDeployment(h, setImage(`registry.local/web:${v}`));
      await rollOut(h, c);
    }
    const rss = await replicaSets(h);
    assert.deepEqual(
      rss.map((rs) => [rs.metadata.annotations?.[REVISION], rs.spec?.replicas]),
      [
        ['3', 0],
        ['4', 0],
        ['5', 2],
      ],
    );
    await h.stop();
  });
});
