/** Tables of services (TYPE CLUSTER-IP EXTERNAL-IP PORT(S)) and endpoints. */
import type { Endpoints, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../meta.ts';
import { AGE, NAME, column, doc, wide } from './columns.ts';
import { formatLabels } from './format.ts';
import { since } from './human-duration.ts';
import type { Printer } from './types.ts';

const CORE = 'io.k8s.api.core.v1';

/** How many endpoint addresses the ENDPOINTS cell lists before `+ N more...`. */
const ENDPOINTS_SHOWN_MAX = 3;

function loadBalancerAddresses(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip || i.hostname || '')
    .filter((a) => a !== '');
}

export function externalIp(svc: Service): string {
  const external = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...loadBalancerAddresses(svc), ...external];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export function portsCell(ports: readonly ServicePort[] | undefined): string {
  const pieces = (ports ?? []).map((p) => {
    const protocol = p.protocol ?? 'TCP';
    return p.nodePort ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
  });
  return pieces.length > 0 ? pieces.join(',') : '<none>';
}

export const servicePrinter: Printer = {
  columns: [
    NAME,
    column('Type', doc(`${CORE}.ServiceSpec`, 'type')),
    column('Cluster-IP', doc(`${CORE}.ServiceSpec`, 'clusterIP')),
    column('External-IP', doc(`${CORE}.ServiceSpec`, 'externalIPs')),
    column('Port(s)', doc(`${CORE}.ServiceSpec`, 'ports')),
    AGE,
    wide('Selector', doc(`${CORE}.ServiceSpec`, 'selector')),
  ],
  row(obj: KubeObject, now: number) {
    const svc = obj as unknown as Service;
    return {
      cells: [
        svc.metadata?.name ?? '',
        svc.spec?.type ?? 'ClusterIP',
        svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP || '<none>',
        externalIp(svc),
        portsCell(svc.spec?.ports),
        since(svc.metadata?.creationTimestamp, now),
        formatLabels(svc.spec?.selector),
      ],
    };
  },
};

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** `10.42.1.5:80,10.42.2.9:80 + 3 more...`; headless subsets list bare addresses. */
export function endpointsCell(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const shown: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    const ports = subset.ports ?? [];
    const entries =
      ports.length === 0
        ? addresses.map((a) => a.ip)
        : ports.flatMap((p) => addresses.map((a) => hostPort(a.ip, p.port)));
    count += entries.length;
    for (const e of entries) if (shown.length < ENDPOINTS_SHOWN_MAX) shown.push(e);
  }
  const more = count - shown.length;
  return more > 0 ? `${shown.join(',')} + ${more} more...` : shown.join(',');
}

export const endpointsPrinter: Printer = {
  columns: [NAME, column('Endpoints', doc(`${CORE}.Endpoints`, 'subsets')), AGE],
  row(obj: KubeObject, now: number) {
    const ep = obj as unknown as Endpoints;
    return {
      cells: [
        ep.metadata?.name ?? '',
        endpointsCell(ep),
        since(ep.metadata?.creationTimestamp, now),
      ],
    };
  },
};
