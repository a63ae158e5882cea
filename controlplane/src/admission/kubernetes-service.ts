/**
 * The `kubernetes` Service in `default` that every cluster has: clients inside pods reach the
 * apiserver at the first address of the service range. Created at bootstrap through the
 * registry like any Service (the allocator keeps that address for it), with Endpoints pointing
 * at the apiserver itself.
 *
 *   await ensureObjects(registry, [kubernetesService(), kubernetesEndpoints('10.0.0.5', 6443)]);
 */
import type { KubeObject } from '@wisp/api';
import { parseIPv4Range } from './ipv4-range.ts';
import { serviceCidrDefault } from './service-allocation.ts';

export interface KubernetesServiceInit {
  readonly serviceCidr?: string;
  /** The apiserver's own port, the Service's targetPort. Default 6443. */
  readonly apiserverPort?: number;
}

const LABELS = { component: 'apiserver', provider: 'kubernetes' };

export function kubernetesService(init: KubernetesServiceInit = {}): KubeObject {
  const ip = parseIPv4Range(init.serviceCidr ?? serviceCidrDefault).at(0);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { ...LABELS } },
    spec: {
      type: 'ClusterIP',
      clusterIP: ip,
      clusterIPs: [ip],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ports: [
        { name: 'https', port: 443, protocol: 'TCP', targetPort: init.apiserverPort ?? 6443 },
      ],
    },
  };
}

/** The Endpoints of the `kubernetes` Service: the apiserver's advertised address and port. */
export function kubernetesEndpoints(address: string, port = 6443): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { ...LABELS } },
    subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  };
}
