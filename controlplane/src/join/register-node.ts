/**
 * The Node object a join leaves behind: created on first join, its labels merged and its pod
 * CIDR filled in on later ones. The certificate is the node's identity; the Node object is how
 * the scheduler and `kubectl get nodes` see it, with the pod CIDR it was certified for.
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import type { Registry } from '../registry/registry.ts';

const NODES = findResource('', 'nodes')!;
export const hostnameLabel = 'kubernetes.io/hostname';
export const zoneLabel = 'topology.kubernetes.io/zone';
export const joinFieldManager = 'wisp-join';

export interface NodeRegistration {
  readonly nodeName: string;
  readonly site: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly podCidr: string;
}

export function nodeLabels(r: NodeRegistration): Record<string, string> {
  return {
    ...r.labels,
    [hostnameLabel]: r.nodeName,
    ...(r.site ? { [zoneLabel]: r.site } : {}),
  };
}

export async function registerNode(registry: Registry, r: NodeRegistration): Promise<void> {
  await registry.modify(
    NODES,
    undefined,
    r.nodeName,
    (current) => {
      const node: KubeObject = current ?? { apiVersion: 'v1', kind: 'Node', metadata: {} };
      node.metadata.name = r.nodeName;
      node.metadata.labels = { ...node.metadata.labels, ...nodeLabels(r) };
      const spec = ((node as { spec?: Record<string, unknown> }).spec ??= {});
      // spec.podCIDR never changes once set; the allocator hands a name the same CIDR anyway.
      if (!spec.podCIDR) {
        spec.podCIDR = r.podCidr;
        spec.podCIDRs = [r.podCidr];
      }
      return node;
    },
    { fieldManager: joinFieldManager },
  );
}
