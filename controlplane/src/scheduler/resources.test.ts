import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nodeUsage, podResources, resourceFit } from './resources.ts';
import { container, node, pod } from './test-support.ts';
import type { Pod } from './types.ts';

const Mi = 1024 * 1024;

describe('podResources', () => {
  const cases: { name: string; pod: Pod; requests: Record<string, number> }[] = [
    {
      name: 'sums the requests of all containers',
      pod: pod('a', undefined, {
        spec: {
          containers: [
            container('a', { cpu: '250m' }),
            container('b', { cpu: '1', memory: '64Mi' }),
          ],
        },
      }),
      requests: { cpu: 1250, memory: 64 * Mi },
    },
    {
      name: 'takes the largest init container when it exceeds the containers',
      pod: pod(
        'a',
        { cpu: '100m' },
        {
          spec: {
            initContainers: [container('i1', { cpu: '2' }), container('i2', { cpu: '500m' })],
          },
        },
      ),
      requests: { cpu: 2000 },
    },
    {
      name: 'keeps the containers sum when init containers ask for less',
      pod: pod('a', { cpu: '3' }, { spec: { initContainers: [container('i', { cpu: '2' })] } }),
      requests: { cpu: 3000 },
    },
    {
      name: 'adds sidecars to the containers and to every later init container',
      pod: pod(
        'a',
        { cpu: '1' },
        {
          spec: {
            initContainers: [
              { ...container('side', { cpu: '500m' }), restartPolicy: 'Always' },
              container('init', { cpu: '2' }),
            ],
          },
        },
      ),
      requests: { cpu: 2500 },
    },
    {
      name: 'adds the pod overhead',
      pod: pod('a', { cpu: '1' }, { spec: { overhead: { cpu: '100m', memory: '10Mi' } } }),
      requests: { cpu: 1100, memory: 10 * Mi },
    },
    {
      name: 'uses a limit as the request when only the limit is set',
      pod: pod('a', undefined, {
        spec: {
          containers: [{ name: 'c', image: 'x', resources: { limits: { memory: '1Gi' } } }],
        },
      }),
      requests: { memory: 1024 * Mi },
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(podResources(c.pod).requests, c.requests));
  }

  it('counts containers without requests as 100m cpu and 200Mi memory when scoring', () => {
    const p = pod('a', undefined, {
      spec: { containers: [container('a'), container('b', { cpu: '1' })] },
    });
    assert.deepEqual(podResources(p).nonZero, { cpu: 1100, memory: 400 * Mi });
  });
});

describe('resourceFit', () => {
  const n = node('n1', { cpu: '2', memory: '1Gi' }, { pods: '3' });
  const on = (reqs: Record<string, string>[], phase?: string) =>
    reqs.map((r, i) => pod(`p${i}`, r, { nodeName: 'n1', phase }));
  const cases: {
    name: string;
    want: Record<string, string> | undefined;
    bound: Pod[];
    reasons: string[];
    resolvable?: boolean;
  }[] = [
    { name: 'fits an empty node', want: { cpu: '1' }, bound: [], reasons: [] },
    {
      name: 'fits exactly the remaining cpu',
      want: { cpu: '500m' },
      bound: on([{ cpu: '1500m' }]),
      reasons: [],
    },
    {
      name: 'refuses more cpu than remains',
      want: { cpu: '600m' },
      bound: on([{ cpu: '1500m' }]),
      reasons: ['Insufficient cpu'],
      resolvable: true,
    },
    {
      name: 'refuses more memory than remains',
      want: { memory: '600Mi' },
      bound: on([{ memory: '500Mi' }]),
      reasons: ['Insufficient memory'],
      resolvable: true,
    },
    {
      name: 'lists cpu before memory when both are short',
      want: { cpu: '2', memory: '1Gi' },
      bound: on([{ cpu: '1', memory: '1Mi' }]),
      reasons: ['Insufficient cpu', 'Insufficient memory'],
      resolvable: true,
    },
    {
      name: 'refuses a pod beyond the pods capacity',
      want: undefined,
      bound: on([{}, {}, {}]),
      reasons: ['Too many pods'],
      resolvable: true,
    },
    {
      name: 'marks a request larger than the whole node as unresolvable',
      want: { cpu: '3' },
      bound: [],
      reasons: ['Insufficient cpu'],
      resolvable: false,
    },
    {
      name: 'does not count Succeeded or Failed pods',
      want: { cpu: '2' },
      bound: [...on([{ cpu: '2' }], 'Succeeded'), ...on([{ cpu: '2' }], 'Failed')],
      reasons: [],
    },
    {
      name: 'fits a pod without requests on a node with no cpu left',
      want: undefined,
      bound: on([{ cpu: '2' }]),
      reasons: [],
    },
    {
      name: 'refuses an extended resource the node does not have',
      want: { 'example.com/gpu': '1' },
      bound: [],
      reasons: ['Insufficient example.com/gpu'],
      resolvable: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const fit = resourceFit(pod('new', c.want), n, c.bound);
      assert.deepEqual(fit.reasons, c.reasons);
      if (c.resolvable !== undefined) assert.equal(fit.resolvable, c.resolvable);
    });
  }

  it('sums what the pods on a node request', () => {
    const u = nodeUsage(on([{ cpu: '1', memory: '1Mi' }, { cpu: '250m' }]));
    assert.deepEqual(u.requested, { cpu: 1250, memory: Mi });
    assert.equal(u.podCount, 2);
  });
});
