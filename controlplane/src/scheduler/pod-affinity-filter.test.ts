import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Affinity } from 'kubernetes-types/core/v1.js';
import { seededRandom } from '@wisp/core';
import {
  AFFINITY_REASON,
  ANTI_AFFINITY_REASON,
  EXISTING_ANTI_AFFINITY_REASON,
} from './fit-error.ts';
import { schedule } from './schedule.ts';
import { ZONE_LABEL } from './scores.ts';
import { interPodVerdicts, node, onNodes, pod, podTerm } from './test-support.ts';
import { isScheduled } from './types.ts';
import type { Node, Pod, Unschedulable } from './types.ts';

const HOST = 'kubernetes.io/hostname';
const REQ = 'requiredDuringSchedulingIgnoredDuringExecution';

function withAffinity(
  name: string,
  labels: Record<string, string>,
  affinity: Affinity,
  o: { nodeName?: string; namespace?: string } = {},
): Pod {
  return pod(name, { cpu: '100m' }, { labels, spec: { affinity }, ...o });
}

function zoned(name: string, zone: string): Node {
  return node(name, undefined, { labels: { [ZONE_LABEL]: zone } });
}

const plain = (
  name: string,
  labels: Record<string, string>,
  nodeName: string,
  namespace?: string,
) => pod(name, {}, { labels, nodeName, ...(namespace ? { namespace } : {}) });

describe('pod anti-affinity: required', () => {
  const antiWeb: Affinity = { podAntiAffinity: { [REQ]: [podTerm(HOST, { app: 'web' })] } };
  const hello = (name: string, nodeName?: string) =>
    withAffinity(name, { app: 'web' }, antiWeb, nodeName ? { nodeName } : {});
  // hello-http on three agents: the big one would win every score.
  const agents = [node('agent-1', { cpu: '64' }), node('agent-2'), node('agent-3')];

  it('keeps one replica per node on the hostname key', () => {
    const bound: Pod[] = [];
    for (let i = 0; i < 3; i++) {
      const r = schedule(hello(`hello-${i}`), agents, onNodes(bound), { random: seededRandom(i) });
      assert.ok(isScheduled(r));
      bound.push(hello(`hello-${i}`, r.node));
    }
    assert.deepEqual(bound.map((p) => p.spec?.nodeName).sort(), ['agent-1', 'agent-2', 'agent-3']);
  });

  it('leaves a 4th replica pending, saying why on every node', () => {
    const bound = agents.map((n, i) => hello(`hello-${i}`, n.metadata!.name));
    const r = schedule(hello('hello-3'), agents, onNodes(bound), {
      random: seededRandom(1),
    }) as Unschedulable;
    assert.equal(
      r.message,
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: " +
        '0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
  });

  it('only counts pods in the namespaces the term names', () => {
    const nodes = [node('a'), node('b')];
    const term = podTerm(HOST, { app: 'web' }, { namespaces: ['edge'] });
    const p = withAffinity('p', { app: 'web' }, { podAntiAffinity: { [REQ]: [term] } });
    const bound = [plain('x', { app: 'web' }, 'a'), plain('y', { app: 'web' }, 'b', 'edge')];
    assert.deepEqual(interPodVerdicts(p, nodes, bound), { a: 'fits', b: ANTI_AFFINITY_REASON });
  });

  it('selects namespaces by their labels with namespaceSelector', () => {
    const nodes = [node('a'), node('b')];
    const term = podTerm(
      HOST,
      { app: 'web' },
      { namespaceSelector: { matchLabels: { tier: 'edge' } } },
    );
    const p = withAffinity('p', { app: 'web' }, { podAntiAffinity: { [REQ]: [term] } });
    const bound = [plain('x', { app: 'web' }, 'a', 'shop'), plain('y', { app: 'web' }, 'b', 'lab')];
    const namespaceLabels = (ns: string) => (ns === 'shop' ? { tier: 'edge' } : undefined);
    assert.deepEqual(interPodVerdicts(p, nodes, bound, { namespaceLabels }), {
      a: ANTI_AFFINITY_REASON,
      b: 'fits',
    });
  });

  it('refuses the incoming pod where a bound pod’s anti-affinity selects it (symmetry)', () => {
    const nodes = [zoned('a1', 'a'), zoned('a2', 'a'), zoned('b1', 'b')];
    const loner = withAffinity(
      'loner',
      { app: 'loner' },
      { podAntiAffinity: { [REQ]: [podTerm(ZONE_LABEL, { app: 'db' })] } },
      { nodeName: 'a1' },
    );
    const db = pod('db', {}, { labels: { app: 'db' } });
    assert.deepEqual(interPodVerdicts(db, nodes, [loner]), {
      a1: EXISTING_ANTI_AFFINITY_REASON,
      a2: EXISTING_ANTI_AFFINITY_REASON,
      b1: 'fits',
    });
    const cache = pod('cache', {}, { labels: { app: 'cache' } });
    assert.deepEqual(interPodVerdicts(cache, nodes, [loner]), {
      a1: 'fits',
      a2: 'fits',
      b1: 'fits',
    });
  });
});

describe('pod affinity: required', () => {
  const nodes = [zoned('a1', 'a'), zoned('a2', 'a'), zoned('b1', 'b'), node('bare')];
  const nearCache: Affinity = { podAffinity: { [REQ]: [podTerm(ZONE_LABEL, { app: 'cache' })] } };

  it('admits only nodes in the zone of a matching pod', () => {
    const bound = [plain('cache-0', { app: 'cache' }, 'a1')];
    assert.deepEqual(
      interPodVerdicts(withAffinity('web', { app: 'web' }, nearCache), nodes, bound),
      {
        a1: 'fits',
        a2: 'fits',
        b1: AFFINITY_REASON,
        bare: AFFINITY_REASON,
      },
    );
  });

  it('waits when no pod matches and the pod does not match its own term', () => {
    const verdicts = interPodVerdicts(withAffinity('web', { app: 'web' }, nearCache), nodes, []);
    assert.deepEqual(new Set(Object.values(verdicts)), new Set([AFFINITY_REASON]));
  });

  it('lets the first pod of a self-affine group land on any node with the key', () => {
    const first = withAffinity('cache-0', { app: 'cache' }, nearCache);
    assert.deepEqual(interPodVerdicts(first, nodes, []), {
      a1: 'fits',
      a2: 'fits',
      b1: 'fits',
      bare: AFFINITY_REASON,
    });
  });

  it('needs one pod matching every term, not one per term', () => {
    const both: Affinity = {
      podAffinity: {
        [REQ]: [podTerm(ZONE_LABEL, { app: 'cache' }), podTerm(ZONE_LABEL, { tier: 'hot' })],
      },
    };
    const split = [plain('c', { app: 'cache' }, 'a1'), plain('h', { tier: 'hot' }, 'a2')];
    const p = withAffinity('web', { app: 'web' }, both);
    assert.equal(interPodVerdicts(p, nodes, split).a1, AFFINITY_REASON);
    const one = [plain('ch', { app: 'cache', tier: 'hot' }, 'b1')];
    assert.equal(interPodVerdicts(p, nodes, one).b1, 'fits');
  });

  it('merges matchLabelKeys from the incoming pod into the selector', () => {
    const term = podTerm(ZONE_LABEL, { app: 'cache' }, { matchLabelKeys: ['release'] });
    const p = withAffinity(
      'web',
      { app: 'web', release: 'v2' },
      { podAffinity: { [REQ]: [term] } },
    );
    const bound = [
      plain('old', { app: 'cache', release: 'v1' }, 'a1'),
      plain('new', { app: 'cache', release: 'v2' }, 'b1'),
    ];
    const verdicts = interPodVerdicts(p, nodes, bound);
    assert.deepEqual([verdicts.a1, verdicts.b1], [AFFINITY_REASON, 'fits']);
  });
});
