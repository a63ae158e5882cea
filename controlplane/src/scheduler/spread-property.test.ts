import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { seededRandom } from '@wisp/core';
import { schedule } from './schedule.ts';
import { ZONE_LABEL } from './scores.ts';
import { node, onNodes, pod, spreadOver } from './test-support.ts';
import { isScheduled } from './types.ts';
import type { Node, Pod } from './types.ts';

const WEB = { app: 'web' };

const cluster = fc.record({
  /** The zone of each node; a node with zone -1 has no zone label. */
  zones: fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 1, maxLength: 8 }),
  /** The constraint's key: per node, or per zone. */
  byZone: fc.boolean(),
  pods: fc.integer({ min: 1, max: 30 }),
  /** Pods of another app already bound, which the constraint must not count. */
  others: fc.array(fc.nat(7), { maxLength: 5 }),
  seed: fc.nat(),
});

function skew(nodes: readonly Node[], bound: readonly Pod[], key: string): number {
  const counts = new Map<string, number>();
  for (const n of nodes) {
    const value = n.metadata?.labels?.[key];
    if (value !== undefined) counts.set(value, 0);
  }
  const keyOf = new Map(nodes.map((n) => [n.metadata!.name!, n.metadata?.labels?.[key]]));
  for (const p of bound) {
    const value = keyOf.get(p.spec!.nodeName!);
    if (p.metadata?.labels?.app === 'web' && value !== undefined) {
      counts.set(value, counts.get(value)! + 1);
    }
  }
  return counts.size === 0 ? 0 : Math.max(...counts.values()) - Math.min(...counts.values());
}

describe('topology spread: property', () => {
  it('never exceeds skew 1 with DoNotSchedule maxSkew 1 and room everywhere', () => {
    fc.assert(
      fc.property(cluster, ({ zones, byZone, pods, others, seed }) => {
        const nodes = zones.map((z, i) =>
          node(
            `n${i}`,
            { cpu: '100', memory: '100Gi' },
            z < 0 ? {} : { labels: { [ZONE_LABEL]: `z${z}` } },
          ),
        );
        const key = byZone ? ZONE_LABEL : 'kubernetes.io/hostname';
        if (!nodes.some((n) => n.metadata?.labels?.[key] !== undefined)) return;
        const bound: Pod[] = others.map((i, j) =>
          pod(`other-${j}`, {}, { labels: { app: 'db' }, nodeName: `n${i % nodes.length}` }),
        );
        const random = seededRandom(seed);
        for (let i = 0; i < pods; i++) {
          const p = pod(
            `w${i}`,
            { cpu: '100m' },
            {
              labels: WEB,
              spec: { topologySpreadConstraints: [spreadOver(key, WEB)] },
            },
          );
          const r = schedule(p, nodes, onNodes(bound), { random });
          assert.ok(isScheduled(r), `pod ${i} unschedulable: ${JSON.stringify(r)}`);
          bound.push({ ...p, spec: { ...p.spec!, nodeName: r.node } });
          assert.ok(skew(nodes, bound, key) <= 1, `skew after pod ${i}`);
        }
      }),
      { numRuns: 200 },
    );
  });
});
