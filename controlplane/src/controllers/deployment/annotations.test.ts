import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setNewReplicaSetAnnotations } from './annotations.ts';
import type { DeploymentObject, ReplicaSetObject } from './types.ts';

const deployment = (annotations: Record<string, string>): DeploymentObject =>
  ({
    metadata: { name: 'web', annotations },
    spec: { replicas: 4, selector: {}, template: {} },
  }) as DeploymentObject;

describe('new ReplicaSet annotations', () => {
  it('copies the Deployment annotations but not its own bookkeeping', () => {
    const d = deployment({
      'kubernetes.io/change-cause': 'kubectl set image',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'deployment.kubernetes.io/revision': '7',
      team: 'edge',
    });
    const rs: ReplicaSetObject = { metadata: { name: 'web-1' } };
    assert.ok(setNewReplicaSetAnnotations(d, rs, 3, false));
    assert.deepEqual(rs.metadata.annotations, {
      'kubernetes.io/change-cause': 'kubectl set image',
      team: 'edge',
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/desired-replicas': '4',
      'deployment.kubernetes.io/max-replicas': '5',
    });
    assert.ok(!setNewReplicaSetAnnotations(d, rs, 3, true), 'nothing left to change');
  });

  it('records the revisions a rolled-back ReplicaSet served, oldest dropped past the cap', () => {
    const rs: ReplicaSetObject = {
      metadata: { name: 'web-1', annotations: { 'deployment.kubernetes.io/revision': '5' } },
    };
    setNewReplicaSetAnnotations(deployment({}), rs, 8, true);
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '8');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '5');
    setNewReplicaSetAnnotations(deployment({}), rs, 11, true);
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '5,8');
    const long = Array.from({ length: 500 }, (_, i) => String(1000 + i)).join(',');
    rs.metadata.annotations!['deployment.kubernetes.io/revision-history'] = long;
    setNewReplicaSetAnnotations(deployment({}), rs, 2000, true);
    const kept = rs.metadata.annotations!['deployment.kubernetes.io/revision-history'];
    assert.ok(kept.length <= 2000);
    assert.ok(kept.endsWith(',11'));
    assert.ok(!kept.startsWith('1000,'));
  });

  it('never lowers a revision', () => {
    const rs: ReplicaSetObject = {
      metadata: { name: 'web-1', annotations: { 'deployment.kubernetes.io/revision': '9' } },
    };
    assert.ok(!setNewReplicaSetAnnotations(deployment({}), rs, 4, true));
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '9');
  });
});
