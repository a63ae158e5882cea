import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@wisp/api';
import { createDefaultTolerationSeconds } from './default-toleration-seconds.ts';
import { createHarness } from './test/harness.ts';

function pod(
  name: string,
  extra: Partial<KubeObject['metadata']> = {},
  tolerations?: unknown[],
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...extra },
    spec: { containers: [{ name: 'c', image: 'app:1' }], ...(tolerations ? { tolerations } : {}) },
  };
}

const tolerationsOf = (o: KubeObject) => (o.spec as { tolerations?: unknown[] }).tolerations;

describe('DefaultTolerationSeconds', () => {
  const setup = () => createHarness({ admission: () => [createDefaultTolerationSeconds({})] });

  it('lets an ordinary pod stay 300 s on a not-ready or unreachable node', async () => {
    const created = await setup().create(pod('web'));
    assert.deepEqual(tolerationsOf(created), [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
  });

  it('lets an edge-autonomy pod stay on a lost node forever', async () => {
    const annotations = { 'wisp.dev/edge-autonomy': 'true' };
    const created = await setup().create(pod('edge', { annotations }));
    assert.deepEqual(tolerationsOf(created), [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    ]);
  });

  it('lets a DaemonSet pod stay on a lost node forever', async () => {
    const ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u1', controller: true },
    ];
    const created = await setup().create(pod('agent-x', { ownerReferences }));
    for (const t of tolerationsOf(created) as { tolerationSeconds?: number }[]) {
      assert.equal(t.tolerationSeconds, undefined);
    }
  });

  it('keeps a toleration the pod already has and adds only the missing one', async () => {
    const own = {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 60,
    };
    const created = await setup().create(pod('web', {}, [own]));
    assert.deepEqual(tolerationsOf(created), [
      own,
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
  });

  it('adds nothing to a pod that tolerates every taint', async () => {
    const created = await setup().create(pod('web', {}, [{ operator: 'Exists' }]));
    assert.deepEqual(tolerationsOf(created), [{ operator: 'Exists' }]);
  });
});
