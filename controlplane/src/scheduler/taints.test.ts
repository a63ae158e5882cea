import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  HARD_EFFECTS,
  intolerablePreferNoSchedule,
  taintReason,
  toleratesTaint,
  untoleratedTaint,
} from './taints.ts';
import type { Taint, Toleration } from './types.ts';

describe('toleratesTaint', () => {
  const taint: Taint = { key: 'dedicated', value: 'edge', effect: 'NoSchedule' };
  const cases: [string, Toleration, boolean][] = [
    [
      'Equal with the same key, value and effect',
      { key: 'dedicated', value: 'edge', effect: 'NoSchedule' },
      true,
    ],
    ['the default operator compares values', { key: 'dedicated', value: 'edge' }, true],
    ['Equal with another value', { key: 'dedicated', operator: 'Equal', value: 'cloud' }, false],
    ['Exists with the same key, any value', { key: 'dedicated', operator: 'Exists' }, true],
    ['Exists with another key', { key: 'other', operator: 'Exists' }, false],
    ['an empty key with Exists tolerates everything', { operator: 'Exists' }, true],
    ['an empty effect matches every effect', { key: 'dedicated', operator: 'Exists' }, true],
    ['another effect', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    ['an unknown operator', { key: 'dedicated', operator: 'Gt', value: 'edge' }, false],
  ];
  for (const [name, t, want] of cases) it(name, () => assert.equal(toleratesTaint(t, taint), want));

  it('treats a missing taint value as empty', () => {
    const t: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
    assert.equal(toleratesTaint({ key: t.key, operator: 'Equal', value: '' }, t), true);
  });
});

describe('untoleratedTaint', () => {
  const taints: Taint[] = [
    { key: 'soft', effect: 'PreferNoSchedule' },
    { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
  ];
  it('ignores PreferNoSchedule and returns the first hard taint not tolerated', () => {
    assert.equal(untoleratedTaint(taints, [], HARD_EFFECTS)?.key, 'node.kubernetes.io/not-ready');
  });
  it('finds the next one when the first is tolerated', () => {
    const tol: Toleration[] = [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }];
    assert.equal(
      untoleratedTaint(taints, tol, HARD_EFFECTS)?.key,
      'node.kubernetes.io/unreachable',
    );
  });
  it('returns nothing when everything is tolerated', () => {
    assert.equal(untoleratedTaint(taints, [{ operator: 'Exists' }], HARD_EFFECTS), undefined);
  });
  it('words the reason as kube-scheduler does', () => {
    assert.equal(
      taintReason({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }),
      'node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
    );
    assert.equal(
      taintReason({ key: 'dedicated', value: 'edge', effect: 'NoSchedule' }),
      'node(s) had untolerated taint {dedicated: edge}',
    );
  });
});

describe('intolerablePreferNoSchedule', () => {
  const taints: Taint[] = [
    { key: 'a', effect: 'PreferNoSchedule' },
    { key: 'b', effect: 'PreferNoSchedule' },
    { key: 'c', effect: 'NoSchedule' },
  ];
  const cases: [string, Toleration[], number][] = [
    ['counts every PreferNoSchedule taint without tolerations', [], 2],
    [
      'a toleration with that effect removes one',
      [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }],
      1,
    ],
    ['a toleration without an effect removes one', [{ key: 'b', operator: 'Exists' }], 1],
    [
      'a NoSchedule toleration does not count',
      [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }],
      2,
    ],
  ];
  for (const [name, tol, want] of cases) {
    it(name, () => assert.equal(intolerablePreferNoSchedule(taints, tol), want));
  }
});
