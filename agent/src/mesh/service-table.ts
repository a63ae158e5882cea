/**
 * The mesh's view of Services and their ready endpoints, rebuilt from each NodeDesired: lookups
 * by ClusterIP and port, by DNS name (`<svc>.<ns>.svc.cluster.local`, `<svc>.<ns>`, or `<svc>` in
 * the caller's namespace), and the NodePort list. Not-ready addresses are kept out entirely, so
 * nothing can pick them. Pure.
 *
 *   const table = buildServiceTable(doc.services, doc.endpoints);
 *   const hit = table.resolve('hello.default.svc.cluster.local', 80, 'default');
 */
import type { Endpoints, Service } from 'kubernetes-types/core/v1.js';

export const clusterDomain = 'cluster.local';

export interface MeshEndpoint {
  readonly ip: string;
  /** '' when the controller did not know it (then only a local pod can match). */
  readonly nodeName: string;
  readonly podName: string;
  readonly port: number;
}

export interface MeshServicePort {
  readonly name: string;
  readonly port: number;
  readonly nodePort: number | undefined;
  readonly protocol: string;
}

export interface MeshService {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
  readonly type: string;
  readonly clusterIP: string | undefined;
  readonly headless: boolean;
  readonly externalName: string | undefined;
  readonly ports: readonly MeshServicePort[];
  /** Set for `sessionAffinity: ClientIP`: how long a client sticks to its endpoint. */
  readonly affinityTimeoutMs: number | undefined;
  /** Ready endpoints per service port name. */
  readonly endpoints: ReadonlyMap<string, readonly MeshEndpoint[]>;
}

export type Resolution =
  | { readonly kind: 'service'; readonly service: MeshService; readonly port: MeshServicePort }
  | { readonly kind: 'external'; readonly service: MeshService; readonly host: string }
  /** A headless service: its ready endpoints' addresses, no proxying port chosen. */
  | { readonly kind: 'headless'; readonly service: MeshService; readonly ips: readonly string[] };

const defaultAffinitySeconds = 10_800;

export class ServiceTable {
  readonly #byKey = new Map<string, MeshService>();
  readonly #byIp = new Map<string, MeshService>();

  constructor(services: readonly MeshService[]) {
    for (const s of services) {
      this.#byKey.set(s.key, s);
      if (s.clusterIP && !s.headless) this.#byIp.set(s.clusterIP, s);
    }
  }

  services(): MeshService[] {
    return [...this.#byKey.values()];
  }

  get(namespace: string, name: string): MeshService | undefined {
    return this.#byKey.get(`${namespace}/${name}`);
  }

  byClusterIp(ip: string): MeshService | undefined {
    return this.#byIp.get(ip);
  }

  /** Every NodePort with its service. */
  nodePorts(): { service: MeshService; port: MeshServicePort; nodePort: number }[] {
    const out = [];
    for (const service of this.#byKey.values()) {
      for (const port of service.ports) {
        if (port.nodePort && port.protocol === 'TCP') {
          out.push({ service, port, nodePort: port.nodePort });
        }
      }
    }
    return out;
  }

  /** What `host:port` names, seen from a pod in `namespace`; undefined if nothing. */
  resolve(host: string, port: number, namespace: string): Resolution | undefined {
    const service = this.byClusterIp(host) ?? this.#byName(host.toLowerCase(), namespace);
    if (!service) return undefined;
    if (service.externalName) return { kind: 'external', service, host: service.externalName };
    if (service.headless) {
      const ips = [...new Set([...service.endpoints.values()].flat().map((e) => e.ip))];
      return { kind: 'headless', service, ips };
    }
    const servicePort = service.ports.find((p) => p.port === port && p.protocol === 'TCP');
    return servicePort && { kind: 'service', service, port: servicePort };
  }

  #byName(host: string, namespace: string): MeshService | undefined {
    const name = host.endsWith('.') ? host.slice(0, -1) : host;
    const parts = name.split('.');
    const suffix = `svc.${clusterDomain}`.split('.');
    if (parts.length === 2 + suffix.length && parts.slice(2).join('.') === suffix.join('.')) {
      return this.get(parts[1], parts[0]);
    }
    if (parts.length === 3 && parts[2] === 'svc') return this.get(parts[1], parts[0]);
    if (parts.length === 2) return this.get(parts[1], parts[0]);
    if (parts.length === 1) return this.get(namespace, parts[0]);
    return undefined;
  }
}

export function buildServiceTable(
  services: readonly Service[],
  endpoints: readonly Endpoints[],
): ServiceTable {
  const eps = new Map(endpoints.map((e) => [`${e.metadata?.namespace}/${e.metadata?.name}`, e]));
  return new ServiceTable(
    services.map((s) => meshService(s, eps.get(`${s.metadata?.namespace}/${s.metadata?.name}`))),
  );
}

function meshService(svc: Service, ep: Endpoints | undefined): MeshService {
  const spec = svc.spec ?? {};
  const namespace = svc.metadata?.namespace ?? 'default';
  const name = svc.metadata?.name ?? '';
  const affinity = spec.sessionAffinity === 'ClientIP';
  const seconds = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultAffinitySeconds;
  return {
    namespace,
    name,
    key: `${namespace}/${name}`,
    type: spec.type ?? 'ClusterIP',
    clusterIP: spec.clusterIP,
    headless: spec.clusterIP === 'None',
    externalName: spec.type === 'ExternalName' ? spec.externalName : undefined,
    ports: (spec.ports ?? []).map((p) => ({
      name: p.name ?? '',
      port: p.port,
      nodePort: p.nodePort,
      protocol: p.protocol ?? 'TCP',
    })),
    affinityTimeoutMs: affinity ? seconds * 1000 : undefined,
    endpoints: readyEndpoints(ep),
  };
}

/** Ready addresses only, per port name; `notReadyAddresses` never enter the table. */
function readyEndpoints(ep: Endpoints | undefined): Map<string, MeshEndpoint[]> {
  const out = new Map<string, MeshEndpoint[]>();
  for (const subset of ep?.subsets ?? []) {
    for (const p of subset.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== 'TCP') continue;
      const list = out.get(p.name ?? '') ?? [];
      for (const a of subset.addresses ?? []) {
        list.push({
          ip: a.ip,
          nodeName: a.nodeName ?? '',
          podName: a.targetRef?.name ?? '',
          port: p.port,
        });
      }
      out.set(p.name ?? '', list);
    }
  }
  return out;
}
