import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import { ForbiddenError } from '../registry/errors.ts';
import { nodeRestrictionAdmission } from './node-authorizer-admission.ts';

const NODES = findResource('', 'nodes')!;
const LEASES = findResource('coordination.k8s.io', 'leases')!;
const user = { name: 'system:node:a', groups: ['system:nodes'] };

const node = (name: string, podCIDR?: string): KubeObject =>
  ({ metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} }) as KubeObject;
const lease = (namespace: string, name: string): KubeObject => ({ metadata: { name, namespace } });

describe('nodeRestrictionAdmission', () => {
  const admit = nodeRestrictionAdmission.admit.bind(nodeRestrictionAdmission);

  it('lets a node create only its own Node', () => {
    admit('CREATE', NODES, node('a'), undefined, { user });
    assert.throws(() => admit('CREATE', NODES, node('b'), undefined, { user }), ForbiddenError);
  });

  it('keeps the pod CIDR a node was certified for', () => {
    admit('UPDATE', NODES, node('a', '10.42.1.0/24'), node('a', '10.42.1.0/24'), { user });
    admit('UPDATE', NODES, node('a', '10.42.1.0/24'), node('a'), { user });
    assert.throws(
      () => admit('UPDATE', NODES, node('a', '10.42.9.0/24'), node('a', '10.42.1.0/24'), { user }),
      /may not change spec.podCIDR/,
    );
  });

  it('lets a node create only its own Lease in kube-node-lease', () => {
    admit('CREATE', LEASES, lease('kube-node-lease', 'a'), undefined, { user });
    assert.throws(() =>
      admit('CREATE', LEASES, lease('kube-node-lease', 'b'), undefined, { user }),
    );
    assert.throws(() => admit('CREATE', LEASES, lease('default', 'a'), undefined, { user }));
  });

  it('leaves everyone else alone', () => {
    const admin = { name: 'admin', groups: ['system:masters'] };
    admit('CREATE', NODES, node('b'), undefined, { user: admin });
    admit('UPDATE', NODES, node('a', '10.42.9.0/24'), node('a', '10.42.1.0/24'), {});
  });
});
