import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@wisp/core';
import { RUNTIMES_LABEL } from './runtime-class.ts';
import { schedule } from './schedule.ts';
import { ZONE_LABEL } from './scores.ts';
import { node, onNodes, pod } from './test-support.ts';
import { isScheduled } from './types.ts';
import type { Node, Pod, RuntimeClass, ScheduleResult, Unschedulable } from './types.ts';

const random = seededRandom(7);
const NOT_READY = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
const UNREACHABLE = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const CORDONED = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

const runtimeClasses: Record<string, RuntimeClass> = {
  wasm: { metadata: { name: 'wasm' }, handler: 'wasm' },
  oci: { metadata: { name: 'oci' }, handler: 'oci' },
  pinned: {
    metadata: { name: 'pinned' },
    handler: 'wasm',
    scheduling: {
      nodeSelector: { pool: 'wasm' },
      tolerations: [{ key: 'wasm-only', operator: 'Exists', effect: 'NoSchedule' }],
    },
  },
};

function run(p: Pod, nodes: Node[], bound: Pod[] = [], seed = 7): ScheduleResult {
  return schedule(p, nodes, onNodes(bound), {
    random: seededRandom(seed),
    runtimeClass: (name) => runtimeClasses[name],
  });
}

function reasonsOf(r: ScheduleResult): Record<string, readonly string[]> {
  assert.ok(!isScheduled(r), `expected unschedulable, got ${JSON.stringify(r)}`);
  return Object.fromEntries((r as Unschedulable).unschedulable.map((f) => [f.node, f.reasons]));
}

describe('schedule: filters', () => {
  const cases: { name: string; pod: Pod; node: Node; reason: string }[] = [
    {
      name: 'a cordoned node',
      pod: pod('p'),
      node: node('n', undefined, { unschedulable: true, taints: [CORDONED] }),
      reason: 'node(s) were unschedulable',
    },
    {
      name: 'a NotReady node, through its not-ready taint',
      pod: pod('p'),
      node: node('n', undefined, { taints: [NOT_READY] }),
      reason: 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }',
    },
    {
      name: 'an unreachable node, through its NoExecute taint',
      pod: pod('p'),
      node: node('n', undefined, { taints: [UNREACHABLE] }),
      reason: 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
    },
    {
      name: 'a node of another architecture',
      pod: pod('p', undefined, { spec: { nodeSelector: { 'kubernetes.io/arch': 'arm64' } } }),
      node: node('n', undefined, { labels: { 'kubernetes.io/arch': 'amd64' } }),
      reason: "node(s) didn't match Pod's node affinity/selector",
    },
    {
      name: 'a node without the runtime handler',
      pod: pod('p', undefined, { spec: { runtimeClassName: 'wasm' } }),
      node: node('n', undefined, { labels: { [RUNTIMES_LABEL]: 'oci' } }),
      reason: 'node(s) didn\'t support runtime handler "wasm"',
    },
    {
      name: 'a node outside the RuntimeClass nodeSelector',
      pod: pod('p', undefined, { spec: { runtimeClassName: 'pinned' } }),
      node: node('n', undefined, { labels: { [RUNTIMES_LABEL]: 'wasm' } }),
      reason: "node(s) didn't match Pod's node affinity/selector",
    },
    {
      name: 'a node without enough cpu',
      pod: pod('p', { cpu: '5' }),
      node: node('n'),
      reason: 'Insufficient cpu',
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}`, () =>
      assert.deepEqual(reasonsOf(run(c.pod, [c.node])), { n: [c.reason] }));
  }

  const fits: { name: string; pod: Pod; node: Node }[] = [
    {
      name: 'a cordoned node to a pod tolerating the unschedulable taint',
      pod: pod('p', undefined, { spec: { tolerations: [{ ...CORDONED, operator: 'Exists' }] } }),
      node: node('n', undefined, { unschedulable: true, taints: [CORDONED] }),
    },
    {
      name: 'a NotReady node to a pod tolerating not-ready',
      pod: pod('p', undefined, { spec: { tolerations: [{ ...NOT_READY, operator: 'Exists' }] } }),
      node: node('n', undefined, { taints: [NOT_READY] }),
    },
    {
      name: 'a node listing the handler among others',
      pod: pod('p', undefined, { spec: { runtimeClassName: 'wasm' } }),
      node: node('n', undefined, { labels: { [RUNTIMES_LABEL]: 'oci.wasm' } }),
    },
    {
      name: 'a node without runtimes to a pod without runtimeClassName',
      pod: pod('p'),
      node: node('n'),
    },
    {
      name: 'a tainted pool to a pod whose RuntimeClass tolerates it',
      pod: pod('p', undefined, { spec: { runtimeClassName: 'pinned' } }),
      node: node('n', undefined, {
        labels: { [RUNTIMES_LABEL]: 'wasm', pool: 'wasm' },
        taints: [{ key: 'wasm-only', effect: 'NoSchedule' }],
      }),
    },
    {
      name: 'a node chosen by matchFields metadata.name',
      pod: pod('p', undefined, {
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n'] }] },
                ],
              },
            },
          },
        },
      }),
      node: node('n'),
    },
  ];
  for (const c of fits)
    it(`accepts ${c.name}`, () => assert.deepEqual(run(c.pod, [c.node]), { node: 'n' }));

  it('reports the first filter a node fails, in kube-scheduler order', () => {
    const n = node('n', { cpu: '1' }, { unschedulable: true, taints: [NOT_READY] });
    const p = pod('p', { cpu: '2' }, { spec: { nodeSelector: { disk: 'ssd' } } });
    assert.deepEqual(reasonsOf(run(p, [n])), { n: ['node(s) were unschedulable'] });
  });

  it('counts pods already bound to the node, and not terminated ones', () => {
    const n = node('n', { cpu: '2', memory: '1Gi' });
    const busy = [pod('a', { cpu: '1500m' }, { nodeName: 'n' })];
    assert.deepEqual(reasonsOf(run(pod('p', { cpu: '1' }), [n], busy)), {
      n: ['Insufficient cpu'],
    });
    const done = [pod('a', { cpu: '1500m' }, { nodeName: 'n', phase: 'Succeeded' })];
    assert.deepEqual(run(pod('p', { cpu: '1' }), [n], done), { node: 'n' });
  });

  it('words the whole message as kube-scheduler', () => {
    const nodes = [
      node('a', undefined, { labels: { disk: 'hdd' } }),
      node('b', undefined, { labels: { disk: 'hdd' } }),
      node('c', { cpu: '1' }, { labels: { disk: 'ssd' } }),
      node('d', { cpu: '1' }, { labels: { disk: 'ssd' } }),
      node('e', { cpu: '1' }, { labels: { disk: 'ssd' } }),
    ];
    const p = pod('p', { cpu: '2' }, { spec: { nodeSelector: { disk: 'ssd' } } });
    const r = run(p, nodes) as Unschedulable;
    assert.equal(
      r.message,
      "0/5 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 3 " +
        'Insufficient cpu. preemption: 0/5 nodes are available: 5 Preemption is not helpful ' +
        'for scheduling.',
    );
  });

  it('fails before looking at nodes when the RuntimeClass does not exist', () => {
    const r = run(pod('p', undefined, { spec: { runtimeClassName: 'gvisor' } }), [
      node('a'),
      node('b'),
    ]);
    assert.equal(
      (r as Unschedulable).message,
      '0/2 nodes are available: runtimeclass.node.k8s.io "gvisor" not found. preemption: 0/2 ' +
        'nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    assert.equal(
      (r as Unschedulable).preFilterReason,
      'runtimeclass.node.k8s.io "gvisor" not found',
    );
  });

  it('says no nodes are available in an empty cluster', () => {
    assert.deepEqual(run(pod('p'), []), {
      unschedulable: [],
      message: 'no nodes available to schedule pods',
    });
  });

  it('returns the node of a pod that is already bound', () => {
    assert.deepEqual(run(pod('p', undefined, { nodeName: 'x' }), [node('a')]), { node: 'x' });
  });
});

describe('schedule: scores', () => {
  it('prefers the least allocated node', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const bound = [
      pod('x', { cpu: '2' }, { nodeName: 'a' }),
      pod('y', { cpu: '1' }, { nodeName: 'c' }),
    ];
    assert.deepEqual(run(pod('p', { cpu: '500m' }), nodes, bound), { node: 'b' });
  });

  it('spreads pods of one owner across nodes even when requests are tiny', () => {
    const nodes = [node('a'), node('b')];
    const bound = [pod('w1', { cpu: '1m' }, { nodeName: 'a', owner: 'web' })];
    const other = [pod('z', { cpu: '10m' }, { nodeName: 'b' })];
    assert.deepEqual(run(pod('w2', { cpu: '1m' }, { owner: 'web' }), nodes, [...bound, ...other]), {
      node: 'b',
    });
  });

  it('spreads pods of one owner across zones (sites)', () => {
    const zone = (z: string) => ({ labels: { [ZONE_LABEL]: z } });
    const nodes = [
      node('a1', undefined, zone('a')),
      node('a2', undefined, zone('a')),
      node('b1', undefined, zone('b')),
    ];
    const bound = [pod('w1', {}, { nodeName: 'a1', owner: 'web' })];
    assert.deepEqual(run(pod('w2', {}, { owner: 'web' }), nodes, bound), { node: 'b1' });
  });

  it('follows preferred node affinity', () => {
    const nodes = [node('a'), node('b', undefined, { labels: { disk: 'ssd' } })];
    const p = pod('p', undefined, {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 1,
                preference: {
                  matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }],
                },
              },
            ],
          },
        },
      },
    });
    for (let seed = 0; seed < 10; seed++) assert.deepEqual(run(p, nodes, [], seed), { node: 'b' });
  });

  it('avoids nodes with untolerated PreferNoSchedule taints', () => {
    const nodes = [
      node('a', undefined, { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }),
      node('b'),
    ];
    for (let seed = 0; seed < 10; seed++)
      assert.deepEqual(run(pod('p'), nodes, [], seed), { node: 'b' });
  });

  it('breaks ties with the injected random source, reproducibly', () => {
    const nodes = [node('a'), node('b'), node('c'), node('d')];
    const picks = (seed: number) =>
      Array.from({ length: 8 }, (_, i) => {
        const r = schedule(pod(`p${i}`), nodes, new Map(), { random: seededRandom(seed + i) });
        return (r as { node: string }).node;
      });
    assert.deepEqual(picks(1), picks(1));
    assert.ok(new Set(picks(1)).size > 1, 'ties land on more than one node');
  });

  it('uses the random source it is given', () => {
    const nodes = [node('a'), node('b')];
    let calls = 0;
    const counting = { ...random, int: (n: number) => (calls++, n - 1) };
    assert.deepEqual(schedule(pod('p'), nodes, new Map(), { random: counting }), { node: 'b' });
    assert.equal(calls, 1);
  });
});
