import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expiringCertificates, fleetCapacity, versionSkew } from './fleet-summary.ts';
import type { NodeObject, PodObject } from './kube-types.ts';

const day = 24 * 3600 * 1000;
const now = Date.parse('2030-01-01T00:00:00Z');
const node = (name: string, version: string, notAfterMs?: number): NodeObject => ({
  metadata: {
    name,
    annotations: notAfterMs
      ? { 'wisp.dev/certificate-not-after': new Date(notAfterMs).toISOString() }
      : {},
  },
  status: {
    allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
    nodeInfo: { kubeletVersion: version },
  },
});
const pod = (nodeName: string | undefined, phase: string, cpu: string): PodObject => ({
  spec: { nodeName, containers: [{ resources: { requests: { cpu, memory: '64Mi' } } }] },
  status: { phase },
});

describe('fleet summary', () => {
  it('sums allocatable capacity and the requests of scheduled, unfinished pods', () => {
    const c = fleetCapacity(
      [node('a', 'v1'), node('b', 'v1')],
      [pod('a', 'Running', '250m'), pod(undefined, 'Pending', '1'), pod('b', 'Succeeded', '1')],
    );
    assert.deepEqual(c, {
      cpuCores: 4,
      memoryBytes: 8 * 2 ** 30,
      pods: 220,
      requestedCpuCores: 0.25,
      requestedMemoryBytes: 64 * 2 ** 20,
      scheduledPods: 1,
    });
  });

  it('counts kubelet versions, most common first', () => {
    const skew = versionSkew([node('a', 'v1.30'), node('b', 'v1.29'), node('c', 'v1.30')]);
    assert.deepEqual(skew, [
      { version: 'v1.30', nodes: 2 },
      { version: 'v1.29', nodes: 1 },
    ]);
  });

  it('lists certificates ending within 30 days, soonest first, expired ones marked', () => {
    const list = expiringCertificates(
      [
        node('late', 'v1', now + 90 * day),
        node('soon', 'v1', now + 3 * day),
        node('gone', 'v1', now - day),
        node('none', 'v1'),
      ],
      now,
    );
    assert.deepEqual(
      list.map((e) => [e.node, e.expired]),
      [
        ['gone', true],
        ['soon', false],
      ],
    );
  });
});
