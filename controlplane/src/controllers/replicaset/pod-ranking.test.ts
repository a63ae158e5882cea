import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodObject } from './pod-conditions.ts';
import { podsToDelete } from './pod-ranking.ts';

interface Shape {
  node?: string;
  phase?: string;
  ready?: boolean;
  readyAt?: string;
  created?: string;
  restarts?: number;
  cost?: string;
}

function pod(name: string, s: Shape = {}): PodObject {
  return {
    metadata: {
      name,
      creationTimestamp: s.created ?? '2025-01-01T00:00:00Z',
      ...(s.cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': s.cost } } : {}),
    },
    spec: { containers: [], ...(s.node ? { nodeName: s.node } : {}) },
    status: {
      phase: s.phase ?? 'Running',
      conditions: [
        { type: 'Ready', status: s.ready ? 'True' : 'False', lastTransitionTime: s.readyAt },
      ],
      containerStatuses: [
        { name: 'c', image: 'i', imageID: '', ready: true, restartCount: s.restarts ?? 0 },
      ],
    },
  };
}

const names = (pods: PodObject[]) => pods.map((p) => p.metadata.name);

describe('which pods a ReplicaSet deletes first', () => {
  it('prefers unscheduled, then pending, then not ready pods', () => {
    const pods = [
      pod('ready', { node: 'n1', ready: true }),
      pod('not-ready', { node: 'n1' }),
      pod('pending', { node: 'n1', phase: 'Pending' }),
      pod('unknown', { node: 'n1', phase: 'Unknown' }),
      pod('unscheduled', { phase: 'Pending' }),
    ];
    assert.deepEqual(names(podsToDelete(pods, pods, 4)), [
      'unscheduled',
      'pending',
      'unknown',
      'not-ready',
    ]);
  });

  it('then lower deletion cost, then pods doubled up on a node', () => {
    const a = pod('a', { node: 'crowded', ready: true });
    const b = pod('b', { node: 'crowded', ready: true });
    const alone = pod('alone', { node: 'quiet', ready: true });
    const cheap = pod('cheap', { node: 'quiet2', ready: true, cost: '-5' });
    const pods = [alone, a, cheap, b];
    assert.deepEqual(names(podsToDelete(pods, pods, 2)), ['cheap', 'a']);
  });

  it('then the most recently ready, the most restarted, and the newest', () => {
    const pods = [
      pod('old-ready', { node: 'n1', ready: true, readyAt: '2025-01-01T00:00:00Z' }),
      pod('new-ready', { node: 'n2', ready: true, readyAt: '2025-01-01T01:00:00Z' }),
    ];
    assert.deepEqual(names(podsToDelete(pods, pods, 1)), ['new-ready']);
    const restarted = [pod('calm', { node: 'n1' }), pod('crashy', { node: 'n2', restarts: 4 })];
    assert.deepEqual(names(podsToDelete(restarted, restarted, 1)), ['crashy']);
    const ages = [
      pod('older', { node: 'n1', created: '2025-01-01T00:00:00Z' }),
      pod('newer', { node: 'n2', created: '2025-01-02T00:00:00Z' }),
    ];
    assert.deepEqual(names(podsToDelete(ages, ages, 1)), ['newer']);
  });

  it('returns every pod when asked for as many or more', () => {
    const pods = [pod('a'), pod('b')];
    assert.equal(podsToDelete(pods, pods, 5).length, 2);
  });
});
