import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withPodScheduled } from './pod-scheduled.ts';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const unschedulable = {
  status: 'False',
  reason: 'Unschedulable',
  message: '0/1 nodes ...',
} as const;

describe('withPodScheduled', () => {
  it('adds the condition next to the others', () => {
    const status = { phase: 'Pending', conditions: [{ type: 'Other', status: 'True' }] };
    assert.deepEqual(withPodScheduled(status, unschedulable, T0), {
      phase: 'Pending',
      conditions: [
        { type: 'Other', status: 'True' },
        { type: 'PodScheduled', ...unschedulable, lastProbeTime: null, lastTransitionTime: T0 },
      ],
    });
  });

  it('changes nothing when the condition already says the same', () => {
    const status = withPodScheduled({}, unschedulable, T0);
    assert.equal(withPodScheduled(status, unschedulable, T1), undefined);
  });

  it('keeps the transition time when only the message changes', () => {
    const status = withPodScheduled({}, unschedulable, T0);
    const next = withPodScheduled(status, { ...unschedulable, message: 'other' }, T1);
    assert.deepEqual(
      (next?.conditions as { lastTransitionTime: string }[])[0].lastTransitionTime,
      T0,
    );
  });

  it('replaces Unschedulable with True and a new transition time', () => {
    const status = withPodScheduled({}, unschedulable, T0);
    assert.deepEqual(withPodScheduled(status, { status: 'True' }, T1)?.conditions, [
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: T1 },
    ]);
  });
});
