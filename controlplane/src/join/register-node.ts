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
/**
 * The node's X25519 key (base64url), which the distributor seals the node's secrets to: on the
 * Node object it is known before the node's first libp2p connection, and survives a restart.
 */
export const x25519Annotation = 'wisp.dev/x25519-public-key';

export interface NodeRegistration {
  readonly nodeName: string;
  readonly site: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly podCidr: string;
  /** Base64url of the certified X25519 key. */
  readonly x25519PublicKey?: string;
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
      if (r.x25519PublicKey) {
        // A re-join with a new key replaces it: the certificate just issued is for this key.
        node.metadata.annotations = {
          ...node.metadata.annotations,
          [x25519Annotation]: r.x25519PublicKey,
        };
      }
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
