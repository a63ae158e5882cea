import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@wisp/core';
import { SPREAD_MISSING_LABEL_REASON, SPREAD_REASON } from './fit-error.ts';
import { schedule } from './schedule.ts';
import { ZONE_LABEL } from './scores.ts';
import { interPodVerdicts, node, onNodes, pod, spreadOver } from './test-support.ts';
import { isScheduled } from './types.ts';
import type { Node, Pod, Unschedulable } from './types.ts';

const HOST = 'kubernetes.io/hostname';
const WEB = { app: 'web' };

function web(
  name: string,
  o: { nodeName?: string; spec?: Partial<NonNullable<Pod['spec']>> } = {},
) {
  return pod(name, { cpu: '500m' }, { labels: WEB, ...o });
}

function zoned(name: string, zone: string, cpu = '4'): Node {
  return node(name, { cpu, memory: '8Gi' }, { labels: { [ZONE_LABEL]: zone } });
}

/** Schedules `count` pods one at a time, each seeing the ones placed before it. */
function scheduleEach(make: (i: number) => Pod, count: number, nodes: Node[]): Pod[] {
  const bound: Pod[] = [];
  for (let i = 0; i < count; i++) {
    const p = make(i);
    const r = schedule(p, nodes, onNodes(bound), { random: seededRandom(i) });
    assert.ok(isScheduled(r), `pod ${i}: ${JSON.stringify(r)}`);
    bound.push({ ...p, spec: { ...p.spec!, nodeName: r.node } });
  }
  return bound;
}

const placements = (pods: Pod[]) => pods.map((p) => p.spec?.nodeName).sort();

describe('topology spread: DoNotSchedule', () => {
  // A big node the least-allocated score would pick every time, and two small ones.
  const lopsided = [node('big', { cpu: '64' }), node('s1', { cpu: '2' }), node('s2', { cpu: '2' })];

  it('puts 3 replicas on 3 nodes with maxSkew 1, where scoring alone would stack them', () => {
    const plain = scheduleEach((i) => web(`w${i}`), 3, lopsided);
    assert.deepEqual(placements(plain), ['big', 'big', 'big']);
    const spec = { topologySpreadConstraints: [spreadOver(HOST, WEB)] };
    const spread = scheduleEach((i) => web(`w${i}`, { spec }), 3, lopsided);
    assert.deepEqual(placements(spread), ['big', 's1', 's2']);
  });

  it('lets a 4th replica go to any node once each holds one', () => {
    const spec = { topologySpreadConstraints: [spreadOver(HOST, WEB)] };
    const bound = ['big', 's1', 's2'].map((n, i) => web(`w${i}`, { nodeName: n }));
    assert.deepEqual(interPodVerdicts(web('w3', { spec }), lopsided, bound), {
      big: 'fits',
      s1: 'fits',
      s2: 'fits',
    });
  });

  it('leaves the pod pending with the reason when only a crowded domain is left', () => {
    const nodes = [node('a'), node('b', undefined, { unschedulable: true })];
    const spec = { topologySpreadConstraints: [spreadOver(HOST, WEB)] };
    const r = schedule(web('w1', { spec }), nodes, onNodes([web('w0', { nodeName: 'a' })]), {
      random: seededRandom(1),
    }) as Unschedulable;
    assert.equal(
      r.message,
      "0/2 nodes are available: 1 node(s) didn't match pod topology spread constraints, " +
        '1 node(s) were unschedulable. preemption: 0/2 nodes are available: ' +
        '1 No preemption victims found for incoming pod, 1 Preemption is not helpful for ' +
        'scheduling.',
    );
  });

  it('spreads over zones: a zone holding more than the emptiest is refused on every node', () => {
    const nodes = [zoned('a1', 'a'), zoned('a2', 'a'), zoned('b1', 'b')];
    const spec = { topologySpreadConstraints: [spreadOver(ZONE_LABEL, WEB)] };
    const bound = [web('w0', { nodeName: 'a1' })];
    assert.deepEqual(interPodVerdicts(web('w1', { spec }), nodes, bound), {
      a1: SPREAD_REASON,
      a2: SPREAD_REASON,
      b1: 'fits',
    });
  });

  it('refuses nodes lacking the key and leaves their pods out of the count', () => {
    const nodes = [zoned('a1', 'a'), zoned('b1', 'b'), node('bare')];
    const spec = { topologySpreadConstraints: [spreadOver(ZONE_LABEL, WEB)] };
    // Two pods on the unlabelled node would make zone b look emptier than it is if counted.
    const bound = ['bare', 'bare', 'a1'].map((n, i) => web(`w${i}`, { nodeName: n }));
    assert.deepEqual(interPodVerdicts(web('w9', { spec }), nodes, bound), {
      a1: SPREAD_REASON,
      b1: 'fits',
      bare: SPREAD_MISSING_LABEL_REASON,
    });
  });

  it('does not count pods that are terminating or in other namespaces', () => {
    const nodes = [node('a'), node('b')];
    const spec = { topologySpreadConstraints: [spreadOver(HOST, WEB)] };
    const old = web('old', { nodeName: 'a' });
    const leaving = {
      ...old,
      metadata: { ...old.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' },
    };
    const elsewhere = pod('x', {}, { labels: WEB, namespace: 'other', nodeName: 'a' });
    assert.deepEqual(interPodVerdicts(web('w', { spec }), nodes, [leaving, elsewhere]), {
      a: 'fits',
      b: 'fits',
    });
  });

  it('narrows the selector to the incoming pod’s values of matchLabelKeys', () => {
    const nodes = [node('a'), node('b')];
    const old = { ...WEB, 'pod-template-hash': 'v1' };
    const bound = [pod('old-1', {}, { labels: old, nodeName: 'a' })];
    const labels = { ...WEB, 'pod-template-hash': 'v2' };
    const withKeys = spreadOver(HOST, WEB, { matchLabelKeys: ['pod-template-hash'] });
    const rolled = (c: typeof withKeys) =>
      pod('new-1', {}, { labels, spec: { topologySpreadConstraints: [c] } });
    assert.deepEqual(interPodVerdicts(rolled(withKeys), nodes, bound), { a: 'fits', b: 'fits' });
    assert.deepEqual(interPodVerdicts(rolled(spreadOver(HOST, WEB)), nodes, bound), {
      a: SPREAD_REASON,
      b: 'fits',
    });
  });

  it('counts the global minimum as 0 while there are fewer domains than minDomains', () => {
    const nodes = [zoned('a1', 'a'), zoned('b1', 'b')];
    const bound = [web('w0', { nodeName: 'a1' }), web('w1', { nodeName: 'b1' })];
    const spec = (minDomains?: number) => ({
      topologySpreadConstraints: [spreadOver(ZONE_LABEL, WEB, minDomains ? { minDomains } : {})],
    });
    assert.deepEqual(interPodVerdicts(web('w2', { spec: spec() }), nodes, bound), {
      a1: 'fits',
      b1: 'fits',
    });
    assert.deepEqual(interPodVerdicts(web('w2', { spec: spec(3) }), nodes, bound), {
      a1: SPREAD_REASON,
      b1: SPREAD_REASON,
    });
  });

  it('counts only nodes the pod may use under nodeAffinityPolicy Honor (the default)', () => {
    const pool = { labels: { pool: 'edge' } };
    const nodes = [node('a', undefined, pool), node('b', undefined, pool), node('c')];
    const bound = [web('w0', { nodeName: 'a' }), web('w1', { nodeName: 'b' })];
    const spec = (policy?: string) => ({
      nodeSelector: { pool: 'edge' },
      topologySpreadConstraints: [
        spreadOver(HOST, WEB, policy ? { nodeAffinityPolicy: policy } : {}),
      ],
    });
    // c is outside the pool: the empty domain it would add does not pull the minimum to 0.
    assert.equal(interPodVerdicts(web('w2', { spec: spec() }), nodes, bound).a, 'fits');
    assert.equal(
      interPodVerdicts(web('w2', { spec: spec('Ignore') }), nodes, bound).a,
      SPREAD_REASON,
    );
  });

  it('counts tainted nodes unless nodeTaintsPolicy is Honor', () => {
    const taints = [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }];
    const nodes = [node('a'), node('gpu', undefined, { taints })];
    const bound = [web('w0', { nodeName: 'a' })];
    const spec = (policy?: string) => ({
      topologySpreadConstraints: [
        spreadOver(HOST, WEB, policy ? { nodeTaintsPolicy: policy } : {}),
      ],
    });
    assert.equal(interPodVerdicts(web('w1', { spec: spec() }), nodes, bound).a, SPREAD_REASON);
    assert.equal(interPodVerdicts(web('w1', { spec: spec('Honor') }), nodes, bound).a, 'fits');
  });

  it('lets a pod outside its own selector land where the skew is already at maxSkew', () => {
    const nodes = [node('a'), node('b')];
    const bound = [web('w0', { nodeName: 'a' })];
    const other = pod(
      'o',
      {},
      {
        labels: { app: 'other' },
        spec: {
          topologySpreadConstraints: [spreadOver(HOST, WEB)],
        },
      },
    );
    assert.deepEqual(interPodVerdicts(other, nodes, bound), { a: 'fits', b: 'fits' });
  });

  it('fails before looking at nodes when a selector cannot be parsed', () => {
    const bad = spreadOver(
      HOST,
      {},
      {
        labelSelector: { matchExpressions: [{ key: 'app', operator: 'Near', values: ['x'] }] },
      },
    );
    const r = schedule(
      web('w', { spec: { topologySpreadConstraints: [bad] } }),
      [node('a')],
      onNodes([]),
      {
        random: seededRandom(1),
      },
    ) as Unschedulable;
    assert.match(r.preFilterReason ?? '', /"Near" is not a valid label selector operator/);
  });
});
