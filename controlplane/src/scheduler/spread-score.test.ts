import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@wisp/core';
import { clusterView } from './cluster-view.ts';
import { schedule } from './schedule.ts';
import { ZONE_LABEL } from './scores.ts';
import { spreadConstraints } from './spread-constraints.ts';
import { spreadConstraintScores } from './spread-score.ts';
import { node, onNodes, pod, spreadOver } from './test-support.ts';
import type { Node, Pod } from './types.ts';

const WEB = { app: 'web' };
const NEEDS = { runtime: { tolerations: [] }, tolerations: [] };
const anyway = (key: string) => spreadOver(key, WEB, { whenUnsatisfiable: 'ScheduleAnyway' });

function zoned(name: string, zone: string): Node {
  return node(name, undefined, { labels: { [ZONE_LABEL]: zone } });
}

function scores(p: Pod, nodes: Node[], bound: Pod[]): number[] {
  const view = clusterView(nodes, onNodes(bound), {});
  return spreadConstraintScores(p, NEEDS, view, spreadConstraints(p).soft, nodes);
}

const web = (name: string, nodeName?: string, spec?: Partial<NonNullable<Pod['spec']>>) =>
  pod(name, {}, { labels: WEB, ...(nodeName ? { nodeName } : {}), ...(spec ? { spec } : {}) });

describe('topology spread: ScheduleAnyway', () => {
  const nodes = [zoned('a1', 'a'), zoned('a2', 'a'), zoned('b1', 'b')];
  const bound = [web('w0', 'a1'), web('w1', 'a1')];
  const incoming = web('w2', undefined, { topologySpreadConstraints: [anyway(ZONE_LABEL)] });

  it('scores the emptier domain 100 and the crowded one lower', () => {
    // Zone a holds 2: round(2 x log(2 domains + 2)) = 3 against 0 in zone b.
    assert.deepEqual(scores(incoming, nodes, bound), [0, 0, 100]);
  });

  it('makes schedule prefer the emptier zone whatever the tie-break seed', () => {
    for (let seed = 0; seed < 20; seed++) {
      const r = schedule(incoming, nodes, onNodes(bound), { random: seededRandom(seed) });
      assert.deepEqual(r, { node: 'b1' });
    }
  });

  it('still places the pod when every domain is crowded', () => {
    const crowded = [...bound, web('w3', 'b1'), web('w4', 'b1'), web('w5', 'b1')];
    const r = schedule(incoming, nodes, onNodes(crowded), { random: seededRandom(1) });
    assert.deepEqual(r, { node: 'a2' });
  });

  it('counts per node for the hostname key', () => {
    const p = web('w2', undefined, {
      topologySpreadConstraints: [anyway('kubernetes.io/hostname')],
    });
    assert.deepEqual(scores(p, nodes, bound), [0, 100, 100]);
  });

  it('gives every node 100 when no domain holds a matching pod', () => {
    assert.deepEqual(scores(incoming, nodes, []), [100, 100, 100]);
  });

  it('scores 0 and leaves out nodes lacking the key under required node affinity', () => {
    const mixed = [...nodes, node('bare')];
    const p = web('w2', undefined, {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'Exists' }] },
            ],
          },
        },
      },
      topologySpreadConstraints: [anyway(ZONE_LABEL)],
    });
    assert.deepEqual(scores(p, mixed, bound), [0, 0, 100, 0]);
  });

  it('replaces the owner spread score, as default constraints give way to the pod’s own', () => {
    // Two siblings sit on a1; the pod's own constraint only cares about app=db pods.
    const owned = (name: string, nodeName?: string) =>
      pod(name, {}, { owner: 'rs', labels: WEB, ...(nodeName ? { nodeName } : {}) });
    const two = [node('a1'), node('b1')];
    const siblings = [owned('s0', 'b1'), owned('s1', 'b1')];
    const p = owned('s2');
    p.spec!.topologySpreadConstraints = [
      spreadOver('kubernetes.io/hostname', { app: 'db' }, { whenUnsatisfiable: 'ScheduleAnyway' }),
    ];
    const dbOnA = pod('db', {}, { labels: { app: 'db' }, nodeName: 'a1' });
    const r = schedule(p, two, onNodes([...siblings, dbOnA]), { random: seededRandom(1) });
    assert.deepEqual(r, { node: 'b1' });
  });
});
