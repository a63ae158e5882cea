/** Services, endpoints and pods for the mesh's unit tests, and a wait for socket events. */
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';

export function service(name: string, spec: Service['spec'], namespace = 'default'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
}

export function endpoints(
  name: string,
  ready: [ip: string, node: string, pod: string][],
  notReady: [ip: string, node: string, pod: string][] = [],
  port = 8080,
  namespace = 'default',
): Endpoints {
  const address = ([ip, nodeName, pod]: [string, string, string]) => ({
    ip,
    nodeName,
    targetRef: { kind: 'Pod', namespace, name: pod },
  });
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace },
    subsets: [
      {
        addresses: ready.map(address),
        notReadyAddresses: notReady.map(address),
        ports: [{ name: 'http', port, protocol: 'TCP' }],
      },
    ],
  };
}

export function pod(
  name: string,
  nodeName: string,
  labels: Record<string, string>,
  ns = 'default',
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: {
      nodeName,
      containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }],
    },
  };
}

/** Lets socket events already under way (ends, closes, frees) run: a few event-loop turns. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
