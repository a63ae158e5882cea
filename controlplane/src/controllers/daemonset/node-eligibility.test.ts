import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { daemonPodSpec, nodeShouldRunDaemonPod, targetNodeName } from './node-eligibility.ts';

function node(name: string, taints: Taint[] = [], labels: Record<string, string> = {}): Node {
  return { metadata: { name, labels }, spec: { taints } };
}

function ds(spec: Record<string, unknown> = {}): DaemonSet {
  return {
    spec: {
      selector: {},
      template: { spec: { containers: [{ name: 'a', image: 'a' }], ...spec } },
    },
  };
}

const verdict = (n: Node, d: DaemonSet = ds()) => {
  const v = nodeShouldRunDaemonPod(n, d);
  return [v.shouldRun, v.shouldContinueRunning];
};

describe('nodeShouldRunDaemonPod', () => {
  it('tolerates node problems forever and cordoning', () => {
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      assert.deepEqual(verdict(node('n', [{ key, effect: 'NoExecute' }])), [true, true], key);
    }
    for (const key of [
      'node.kubernetes.io/disk-pressure',
      'node.kubernetes.io/memory-pressure',
      'node.kubernetes.io/pid-pressure',
      'node.kubernetes.io/unschedulable',
    ]) {
      assert.deepEqual(verdict(node('n', [{ key, effect: 'NoSchedule' }])), [true, true], key);
    }
    const spec = daemonPodSpec(ds(), 'n');
    const notReady = spec.tolerations?.find((t) => t.key === 'node.kubernetes.io/not-ready');
    assert.equal(notReady?.tolerationSeconds, undefined);
  });

  it('tolerates network-unavailable only for host-network pods', () => {
    const n = node('n', [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]);
    assert.deepEqual(verdict(n), [false, true]);
    assert.deepEqual(verdict(n, ds({ hostNetwork: true })), [true, true]);
  });

  it('keeps a running pod under an untolerated NoSchedule taint but not NoExecute', () => {
    assert.deepEqual(verdict(node('n', [{ key: 'x', effect: 'NoSchedule' }])), [false, true]);
    assert.deepEqual(verdict(node('n', [{ key: 'x', effect: 'NoExecute' }])), [false, false]);
    assert.deepEqual(verdict(node('n', [{ key: 'x', effect: 'PreferNoSchedule' }])), [true, true]);
    const tolerant = ds({ tolerations: [{ key: 'x', operator: 'Exists' }] });
    assert.deepEqual(verdict(node('n', [{ key: 'x', effect: 'NoExecute' }]), tolerant), [
      true,
      true,
    ]);
  });

  it('honours nodeSelector, required node affinity and a template node name', () => {
    const edge = node('n1', [], { role: 'edge' });
    assert.deepEqual(verdict(edge, ds({ nodeSelector: { role: 'core' } })), [false, false]);
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'role', operator: 'In', values: ['edge'] }] },
          ],
        },
      },
    };
    assert.deepEqual(verdict(edge, ds({ affinity })), [true, true]);
    assert.deepEqual(verdict(edge, ds({ nodeName: 'n2' })), [false, false]);
  });

  it('finds a pod target node from nodeName or the pinning affinity term', () => {
    assert.equal(targetNodeName({ spec: { nodeName: 'a', containers: [] } }), 'a');
    const pinned = {
      spec: {
        containers: [],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] },
              ],
            },
          },
        },
      },
    };
    assert.equal(targetNodeName(pinned), 'b');
    assert.equal(targetNodeName({ spec: { containers: [] } }), undefined);
  });
});
