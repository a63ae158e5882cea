import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evictionPlan, tolerates } from './tolerations.ts';

const T0 = Date.UTC(2025, 0, 1);
const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const unreachable = {
  key: 'node.kubernetes.io/unreachable',
  effect: 'NoExecute',
  timeAdded: at(T0),
};
const dedicated = {
  key: 'dedicated',
  value: 'gpu',
  effect: 'NoExecute',
  timeAdded: at(T0 + 10_000),
};

describe('tolerations', () => {
  it('matches by key, value, effect and operator as Kubernetes does', () => {
    assert.ok(tolerates({ operator: 'Exists' }, dedicated));
    assert.ok(tolerates({ key: 'dedicated', operator: 'Equal', value: 'gpu' }, dedicated));
    assert.ok(!tolerates({ key: 'dedicated', operator: 'Equal', value: 'cpu' }, dedicated));
    assert.ok(
      !tolerates({ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, dedicated),
    );
    assert.ok(!tolerates({ operator: 'Equal' }, dedicated), 'an empty key pairs only with Exists');
  });

  it('plans eviction at the earliest deadline over all NoExecute taints', () => {
    const plan = evictionPlan(
      [unreachable, dedicated],
      [
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 60 },
        { key: 'dedicated', operator: 'Exists', tolerationSeconds: 30 },
      ],
      0,
    );
    assert.deepEqual(plan, { kind: 'at', atMs: T0 + 40_000 });
  });

  it('never evicts a pod that tolerates every taint without a time limit', () => {
    assert.deepEqual(evictionPlan([unreachable], [{ operator: 'Exists' }], 0), { kind: 'never' });
  });

  it('evicts at once when a taint is not tolerated at all', () => {
    const plan = evictionPlan(
      [unreachable, dedicated],
      [{ key: 'dedicated', operator: 'Exists' }],
      0,
    );
    assert.deepEqual(plan, { kind: 'now' });
  });

  it('lets the most generous matching toleration decide', () => {
    const plan = evictionPlan(
      [unreachable],
      [
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 5 },
        { operator: 'Exists' },
      ],
      0,
    );
    assert.deepEqual(plan, { kind: 'never' });
  });

  it('counts from the time it first saw a taint that carries no timeAdded', () => {
    const plan = evictionPlan(
      [{ key: 'x', effect: 'NoExecute' }],
      [{ key: 'x', operator: 'Exists', tolerationSeconds: 1 }],
      T0,
    );
    assert.deepEqual(plan, { kind: 'at', atMs: T0 + 1000 });
  });
});
