import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PodIndex, hasPodAffinity, indexBoundPods } from './pod-index.ts';
import { SchedulerCache } from './scheduler-cache.ts';
import { onNodes, pod, podTerm } from './test-support.ts';
import type { BoundPodIndex, Pod } from './types.ts';

const names = (pods: Iterable<Pod>) => [...pods].map((p) => p.metadata?.name).sort();
const anti = (name: string, nodeName?: string) =>
  pod(
    name,
    {},
    {
      ...(nodeName ? { nodeName } : {}),
      spec: {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [podTerm('kubernetes.io/hostname', {})],
          },
        },
      },
    },
  );

function contents(index: BoundPodIndex) {
  return Object.fromEntries(
    [...index.namespaces()].sort().map((ns) => [ns, names(index.inNamespace(ns))]),
  );
}

describe('PodIndex', () => {
  it('groups pods by namespace and tracks those with pod affinity', () => {
    const index = new PodIndex();
    index.add('default/a', pod('a', {}, { nodeName: 'n1' }));
    index.add('edge/b', pod('b', {}, { nodeName: 'n1', namespace: 'edge' }));
    index.add('default/c', anti('c', 'n2'));
    assert.deepEqual(contents(index), { default: ['a', 'c'], edge: ['b'] });
    assert.deepEqual(names(index.withAffinity()), ['c']);
    index.remove('default/c');
    index.remove('edge/b');
    index.remove('edge/missing');
    assert.deepEqual(contents(index), { default: ['a'] });
    assert.deepEqual(names(index.withAffinity()), []);
    assert.equal(index.affinityCount(), 0);
  });

  it('replaces a pod added again under the same key', () => {
    const index = new PodIndex();
    index.add('default/a', anti('a', 'n1'));
    index.add('default/a', pod('a', {}, { nodeName: 'n2' }));
    assert.equal([...index.inNamespace('default')][0].spec?.nodeName, 'n2');
    assert.deepEqual(names(index.withAffinity()), []);
    assert.equal(index.affinityCount(), 0);
  });

  it('builds from a PodsOnNodes map, placing each pod on the node it is listed under', () => {
    const index = indexBoundPods(onNodes([pod('a', {}, { nodeName: 'n1' }), anti('b', 'n2')]));
    assert.deepEqual(contents(index), { default: ['a', 'b'] });
    assert.deepEqual(names(index.withAffinity()), ['b']);
  });

  it('tells pods with pod affinity from pods with only node affinity', () => {
    assert.equal(hasPodAffinity(anti('a')), true);
    assert.equal(hasPodAffinity(pod('b', {}, { spec: { affinity: { nodeAffinity: {} } } })), false);
  });
});

describe('SchedulerCache.podIndex', () => {
  it('follows what the informer shows and what the scheduler assumes', () => {
    const cache = new SchedulerCache();
    cache.observe('default/a', pod('a', {}, { nodeName: 'n1' }));
    cache.observe('default/b', pod('b'));
    cache.assume('default/c', anti('c'), 'n2');
    const index = cache.podIndex();
    assert.deepEqual(contents(index), { default: ['a', 'c'] });
    assert.equal([...index.withAffinity()][0].spec?.nodeName, 'n2');
    cache.forget('default/c');
    cache.observe('default/a', pod('a', {}, { nodeName: 'n1', phase: 'Failed' }));
    assert.deepEqual(contents(index), {});
  });
});
