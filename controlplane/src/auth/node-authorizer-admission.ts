/**
 * The half of node restriction the authorizer cannot do, because it never sees the body (as
 * upstream's NodeRestriction admission plugin): a node creates only its own Node and its own Lease,
 * and cannot move its Node to another pod CIDR than the one its certificate was issued for.
 */
import type { KubeObject } from '@wisp/api';
import { nodeNameOfUser } from '@wisp/api/wire/identity.ts';
import { ForbiddenError } from '../registry/errors.ts';
import type { AdmissionOperation, AdmissionPlugin } from '../registry/types.ts';
import { nodeLeaseNamespace } from './node-authorizer.ts';

export const nodeRestrictionAdmission: AdmissionPlugin = {
  name: 'NodeRestriction',
  admit(op, info, obj, old, options) {
    const node = options.user ? nodeNameOfUser(options.user) : undefined;
    if (node === undefined) return;
    const refuse = (why: string): never => {
      throw new ForbiddenError(
        `${info.plural} "${obj.metadata.name ?? ''}" is forbidden: node "${node}" ${why}`,
        info,
        obj.metadata.name,
      );
    };
    if (info.group === '' && info.plural === 'nodes') checkNode(op, obj, old, node, refuse);
    if (info.group === 'coordination.k8s.io' && info.plural === 'leases' && op === 'CREATE') {
      const own = obj.metadata.namespace === nodeLeaseNamespace && obj.metadata.name === node;
      if (!own) refuse('may only create its own lease in kube-node-lease');
    }
  },
};

function checkNode(
  op: AdmissionOperation,
  obj: KubeObject,
  old: KubeObject | undefined,
  node: string,
  refuse: (why: string) => never,
): void {
  if (obj.metadata.name !== node) refuse('may only create or modify its own Node object');
  if (op !== 'UPDATE' || !old) return;
  const was = podCidrsOf(old);
  if (was !== '[]' && was !== podCidrsOf(obj)) {
    refuse('may not change spec.podCIDR or spec.podCIDRs');
  }
}

type NodeSpec = { spec?: { podCIDR?: string; podCIDRs?: string[] } };

function podCidrsOf(node: KubeObject): string {
  const spec = (node as NodeSpec).spec;
  return JSON.stringify([spec?.podCIDR ?? '', ...(spec?.podCIDRs ?? [])].filter(Boolean));
}
