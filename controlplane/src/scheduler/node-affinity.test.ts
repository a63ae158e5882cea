import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeSelectorTerm } from 'kubernetes-types/core/v1.js';
import { matchesNodeSelector, preferredAffinityWeight } from './node-affinity.ts';
import { node, pod } from './test-support.ts';

const n = node('edge-1', undefined, {
  labels: { 'kubernetes.io/arch': 'arm64', disk: 'ssd', cores: '4' },
});

function required(...terms: NodeSelectorTerm[]) {
  return pod('p', undefined, {
    spec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms },
        },
      },
    },
  });
}

const expr = (key: string, operator: string, values?: string[]): NodeSelectorTerm => ({
  matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
});

describe('matchesNodeSelector', () => {
  const cases: [string, ReturnType<typeof pod>, boolean][] = [
    ['a pod with no selector fits any node', pod('p'), true],
    [
      'nodeSelector matches equal labels',
      pod('p', undefined, { spec: { nodeSelector: { disk: 'ssd' } } }),
      true,
    ],
    [
      'nodeSelector on kubernetes.io/arch',
      pod('p', undefined, { spec: { nodeSelector: { 'kubernetes.io/arch': 'amd64' } } }),
      false,
    ],
    [
      'nodeSelector with a missing label',
      pod('p', undefined, { spec: { nodeSelector: { gpu: 'yes' } } }),
      false,
    ],
    ['In with the value', required(expr('disk', 'In', ['hdd', 'ssd'])), true],
    ['In without the value', required(expr('disk', 'In', ['hdd'])), false],
    ['NotIn without the value', required(expr('disk', 'NotIn', ['hdd'])), true],
    ['NotIn with the value', required(expr('disk', 'NotIn', ['ssd'])), false],
    ['NotIn on a missing label', required(expr('gpu', 'NotIn', ['yes'])), true],
    ['Exists on a present label', required(expr('disk', 'Exists')), true],
    ['Exists on a missing label', required(expr('gpu', 'Exists')), false],
    ['DoesNotExist on a missing label', required(expr('gpu', 'DoesNotExist')), true],
    ['DoesNotExist on a present label', required(expr('disk', 'DoesNotExist')), false],
    ['Gt below the value', required(expr('cores', 'Gt', ['2'])), true],
    ['Gt at the value', required(expr('cores', 'Gt', ['4'])), false],
    ['Lt above the value', required(expr('cores', 'Lt', ['8'])), true],
    ['Lt on a non-integer label', required(expr('disk', 'Lt', ['8'])), false],
    ['an unknown operator matches nothing', required(expr('disk', 'Like', ['ssd'])), false],
    [
      'expressions in a term are ANDed',
      required({
        matchExpressions: [
          { key: 'disk', operator: 'In', values: ['ssd'] },
          { key: 'gpu', operator: 'Exists' },
        ],
      }),
      false,
    ],
    ['terms are ORed', required(expr('gpu', 'Exists'), expr('disk', 'Exists')), true],
    ['an empty term matches nothing', required({}), false],
    [
      'matchFields metadata.name In',
      required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['edge-1'] }] }),
      true,
    ],
    [
      'matchFields metadata.name NotIn',
      required({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['edge-1'] }] }),
      false,
    ],
    [
      'matchFields on another field matches nothing',
      required({ matchFields: [{ key: 'metadata.uid', operator: 'NotIn', values: ['x'] }] }),
      false,
    ],
    [
      'nodeSelector and affinity must both hold',
      {
        ...required(expr('disk', 'Exists')),
        spec: { ...required(expr('disk', 'Exists')).spec!, nodeSelector: { disk: 'hdd' } },
      },
      false,
    ],
  ];
  for (const [name, p, want] of cases)
    it(name, () => assert.equal(matchesNodeSelector(p, n), want));

  it('also requires an extra selector (a RuntimeClass nodeSelector)', () => {
    assert.equal(matchesNodeSelector(pod('p'), n, { disk: 'ssd' }), true);
    assert.equal(matchesNodeSelector(pod('p'), n, { disk: 'hdd' }), false);
  });
});

describe('preferredAffinityWeight', () => {
  const p = pod('p', undefined, {
    spec: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, preference: expr('disk', 'In', ['ssd']) },
            { weight: 5, preference: expr('kubernetes.io/arch', 'In', ['arm64']) },
            { weight: 50, preference: expr('gpu', 'Exists') },
          ],
        },
      },
    },
  });
  it('sums the weights of the matched preferences', () => {
    assert.equal(preferredAffinityWeight(p, n), 15);
  });
  it('is zero without preferences', () => assert.equal(preferredAffinityWeight(pod('p'), n), 0));
});
