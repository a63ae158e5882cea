import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leastAllocatedScore, normalize, scoreNodes, spreadScores, ZONE_LABEL } from './scores.ts';
import { node, onNodes, pod } from './test-support.ts';
import { DEFAULT_SCORE_WEIGHTS } from './types.ts';
import type { Pod, ScoreWeights } from './types.ts';

describe('leastAllocatedScore', () => {
  const n = node('n1', { cpu: '4', memory: '4Gi' });
  const cases: [string, Record<string, string> | undefined, Pod[], number][] = [
    ['an idle node scores high', { cpu: '1', memory: '1Gi' }, [], 75],
    [
      'a busy node scores lower',
      { cpu: '1', memory: '1Gi' },
      [pod('b', { cpu: '2', memory: '2Gi' }, { nodeName: 'n1' })],
      25,
    ],
    ['cpu and memory count equally', { cpu: '4', memory: '0' }, [], 50],
    ['a pod without requests counts as 100m and 200Mi', undefined, [], 96],
    ['a node asked for more than it has scores zero', { cpu: '8', memory: '8Gi' }, [], 0],
  ];
  for (const [name, req, bound, want] of cases) {
    it(name, () => assert.equal(leastAllocatedScore(pod('p', req), n, bound), want));
  }
});

describe('normalize', () => {
  it('scales to 100 by the maximum', () =>
    assert.deepEqual(normalize([0, 5, 10], false), [0, 50, 100]));
  it('reverses for penalties', () => assert.deepEqual(normalize([0, 1, 2], true), [100, 50, 0]));
  it('gives every node 100 when no node has a penalty', () => {
    assert.deepEqual(normalize([0, 0], true), [100, 100]);
  });
  it('gives every node 0 when no node has a preference', () => {
    assert.deepEqual(normalize([0, 0], false), [0, 0]);
  });
});

describe('spreadScores', () => {
  const nodes = [node('a'), node('b'), node('c')];
  const sibling = (name: string, on: string, owner = 'web') =>
    pod(name, {}, { nodeName: on, owner });

  it('prefers nodes with fewer pods of the same owner', () => {
    const bound = onNodes([sibling('w1', 'a'), sibling('w2', 'a'), sibling('w3', 'b')]);
    assert.deepEqual(spreadScores(pod('w4', {}, { owner: 'web' }), nodes, bound), [0, 50, 100]);
  });

  it('ignores pods of other owners, other namespaces and pods being deleted', () => {
    const live = sibling('w2', 'b');
    const deleting = {
      ...live,
      metadata: { ...live.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' },
    };
    const bound = onNodes([
      sibling('x1', 'a', 'other'),
      deleting,
      pod('w3', {}, { nodeName: 'c', owner: 'web', namespace: 'prod' }),
    ]);
    assert.deepEqual(spreadScores(pod('w4', {}, { owner: 'web' }), nodes, bound), [100, 100, 100]);
  });

  it('gives a pod without a controller owner no spread preference', () => {
    const bound = onNodes([sibling('w1', 'a')]);
    assert.deepEqual(spreadScores(pod('solo'), nodes, bound), [0, 0, 0]);
  });

  it('weighs the zone by two thirds', () => {
    const zoned = [
      node('a', undefined, { labels: { [ZONE_LABEL]: 'store-1' } }),
      node('b', undefined, { labels: { [ZONE_LABEL]: 'store-1' } }),
      node('c', undefined, { labels: { [ZONE_LABEL]: 'store-2' } }),
    ];
    // a holds the only sibling: a scores 0, b is empty but shares a's zone, c is alone.
    const bound = onNodes([sibling('w1', 'a')]);
    assert.deepEqual(spreadScores(pod('w2', {}, { owner: 'web' }), zoned, bound), [0, 33, 100]);
  });
});

describe('scoreNodes', () => {
  const only = (w: Partial<ScoreWeights>): ScoreWeights => ({
    leastAllocated: 0,
    spread: 0,
    nodeAffinity: 0,
    taintToleration: 0,
    podTopologySpread: 0,
    interPodAffinity: 0,
    ...w,
  });

  it('normalizes preferred affinity weights and applies the plugin weight', () => {
    const nodes = [node('a', undefined, { labels: { disk: 'ssd' } }), node('b')];
    const p = pod('p', undefined, {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 7,
                preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] },
              },
            ],
          },
        },
      },
    });
    assert.deepEqual(scoreNodes(p, nodes, new Map(), [], only({ nodeAffinity: 2 })), [200, 0]);
  });

  it('penalizes untolerated PreferNoSchedule taints', () => {
    const nodes = [
      node('a', undefined, { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }),
      node('b'),
    ];
    assert.deepEqual(
      scoreNodes(pod('p'), nodes, new Map(), [], only({ taintToleration: 3 })),
      [0, 300],
    );
    const tol = [{ key: 'spot', operator: 'Exists' }];
    assert.deepEqual(
      scoreNodes(pod('p'), nodes, new Map(), tol, only({ taintToleration: 3 })),
      [300, 300],
    );
  });

  it('adds every plugin with the default weights', () => {
    const nodes = [node('a'), node('b')];
    const scores = scoreNodes(pod('p', { cpu: '1' }), nodes, new Map(), [], DEFAULT_SCORE_WEIGHTS);
    // least-allocated (cpu 75, memory 97) → 86; taint 100 × 3; no spread or affinity.
    assert.deepEqual(scores, [386, 386]);
  });
});
