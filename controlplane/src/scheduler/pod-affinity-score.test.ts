import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Affinity, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { seededRandom } from '@wisp/core';
import { affinityTermsOf } from './affinity-terms.ts';
import { clusterView } from './cluster-view.ts';
import { podAffinityScores } from './pod-affinity-score.ts';
import { schedule } from './schedule.ts';
import { ZONE_LABEL } from './scores.ts';
import { node, onNodes, pod, podTerm } from './test-support.ts';
import type { Node, Pod } from './types.ts';

const HOST = 'kubernetes.io/hostname';
const PREF = 'preferredDuringSchedulingIgnoredDuringExecution';
const REQ = 'requiredDuringSchedulingIgnoredDuringExecution';

const weighted = (weight: number, key: string, labels: Record<string, string>) =>
  ({ weight, podAffinityTerm: podTerm(key, labels) }) satisfies WeightedPodAffinityTerm;

function zoned(name: string, zone: string): Node {
  return node(name, undefined, { labels: { [ZONE_LABEL]: zone } });
}

const nodes = [zoned('a1', 'a'), zoned('a2', 'a'), zoned('b1', 'b')];

function scores(p: Pod, bound: Pod[]): number[] {
  return podAffinityScores(p, affinityTermsOf(p), clusterView(nodes, onNodes(bound), {}), nodes);
}

const incoming = (affinity: Affinity, labels = { app: 'web' }) =>
  pod('p', {}, { labels, spec: { affinity } });
const bound = (
  name: string,
  labels: Record<string, string>,
  nodeName: string,
  affinity?: Affinity,
) => pod(name, {}, { labels, nodeName, ...(affinity ? { spec: { affinity } } : {}) });

describe('pod affinity: preferred', () => {
  it('adds preferred affinity and subtracts preferred anti-affinity by weight', () => {
    const p = incoming({
      podAffinity: { [PREF]: [weighted(80, ZONE_LABEL, { app: 'cache' })] },
      podAntiAffinity: { [PREF]: [weighted(20, HOST, { app: 'web' })] },
    });
    // zone a: +80 on a1 and a2; b1 hosts a web pod: -20. Scaled from -20..80.
    const pods = [bound('cache', { app: 'cache' }, 'a1'), bound('web-0', { app: 'web' }, 'b1')];
    assert.deepEqual(scores(p, pods), [100, 100, 0]);
  });

  it('ranks domains by the weights of the terms they satisfy', () => {
    const p = incoming({
      podAffinity: {
        [PREF]: [
          weighted(30, ZONE_LABEL, { app: 'cache' }),
          weighted(70, ZONE_LABEL, { app: 'db' }),
        ],
      },
    });
    const pods = [bound('cache', { app: 'cache' }, 'a1'), bound('db', { app: 'db' }, 'b1')];
    assert.deepEqual(scores(p, pods), [0, 0, 100]);
    for (let seed = 0; seed < 10; seed++) {
      assert.deepEqual(schedule(p, nodes, onNodes(pods), { random: seededRandom(seed) }), {
        node: 'b1',
      });
    }
  });

  it('counts bound pods’ preferred and required terms that select the incoming pod', () => {
    const p = pod('p', {}, { labels: { app: 'web' } });
    const likesWeb = { podAffinity: { [PREF]: [weighted(50, HOST, { app: 'web' })] } };
    const needsWeb = { podAffinity: { [REQ]: [podTerm(ZONE_LABEL, { app: 'web' })] } };
    const avoidsWeb = { podAntiAffinity: { [PREF]: [weighted(50, HOST, { app: 'web' })] } };
    // a1: +50 (preferred), zone a: +1 (required, hardPodAffinityWeight), b1: -50.
    const pods = [
      bound('fan', { app: 'fan' }, 'a1', likesWeb),
      bound('sidecar', { app: 'sidecar' }, 'a2', needsWeb),
      bound('hater', { app: 'hater' }, 'b1', avoidsWeb),
    ];
    assert.deepEqual(scores(p, pods), [100, 50, 0]);
  });

  it('scores nothing when no term on either side matches', () => {
    const p = incoming({ podAffinity: { [PREF]: [weighted(10, ZONE_LABEL, { app: 'none' })] } });
    assert.deepEqual(scores(p, [bound('x', { app: 'x' }, 'a1')]), [0, 0, 0]);
  });
});
