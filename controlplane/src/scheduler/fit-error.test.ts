import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitErrorMessage } from './fit-error.ts';
import type { FilterFailure } from './types.ts';

const affinity = "node(s) didn't match Pod's node affinity/selector";

function failures(n: number, reasons: string[], resolvable: boolean): FilterFailure[] {
  return Array.from({ length: n }, (_, i) => ({ node: `n${i}`, reasons, resolvable }));
}

describe('fitErrorMessage', () => {
  it('counts reasons per node and what preemption would say, as kube-scheduler does', () => {
    const msg = fitErrorMessage(5, [
      ...failures(2, [affinity], false),
      ...failures(3, ['Insufficient cpu'], true),
    ]);
    assert.equal(
      msg,
      "0/5 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, " +
        '3 Insufficient cpu. preemption: 0/5 nodes are available: 2 Preemption is not helpful ' +
        'for scheduling, 3 No preemption victims found for incoming pod.',
    );
  });

  it('says preemption is not helpful on every node when no failure is resolvable', () => {
    const msg = fitErrorMessage(3, [
      ...failures(1, ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }'], false),
      ...failures(2, [affinity], false),
    ]);
    assert.equal(
      msg,
      '0/3 nodes are available: ' +
        '1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, ' +
        "2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are " +
        'available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('counts every reason of a node that lacks several resources', () => {
    const msg = fitErrorMessage(2, failures(2, ['Insufficient cpu', 'Insufficient memory'], true));
    assert.match(msg, /^0\/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory\. /);
  });

  it('sorts the histogram as strings, so 10 comes before 2', () => {
    const msg = fitErrorMessage(12, [
      ...failures(2, ['Insufficient cpu'], false),
      ...failures(10, ['node(s) were unschedulable'], false),
    ]);
    assert.match(msg, /available: 10 node\(s\) were unschedulable, 2 Insufficient cpu\. /);
  });

  it('prints a reason found before any node without a count', () => {
    const why = 'runtimeclass.node.k8s.io "gvisor" not found';
    assert.equal(
      fitErrorMessage(4, failures(4, [why], false), why),
      '0/4 nodes are available: runtimeclass.node.k8s.io "gvisor" not found. preemption: 0/4 ' +
        'nodes are available: 4 Preemption is not helpful for scheduling.',
    );
  });

  it('says no nodes are available when the cluster has none', () => {
    assert.equal(fitErrorMessage(0, []), 'no nodes available to schedule pods');
  });
});
