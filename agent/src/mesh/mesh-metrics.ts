/**
 * Per-service mesh counters, printed as Prometheus text for the agent's `/metrics`:
 * connections opened, pods' outgoing HTTP requests (which reuse connections), bytes each way,
 * errors by reason, and connections denied by policy.
 *
 *   metrics.opened('default/hello');
 *   meshMetricsText(metrics);
 */

/** Services tracked at once; past it, new services share one `_other` series. */
export const metricsServicesMax = 4096;

interface ServiceCounters {
  connections: number;
  requests: number;
  bytesIn: number;
  bytesOut: number;
  errors: Map<string, number>;
}

export class MeshMetrics {
  readonly #services = new Map<string, ServiceCounters>();

  opened(service: string): void {
    this.#of(service).connections++;
  }

  /** One outgoing HTTP request from a pod, on a new or a kept connection. */
  requested(service: string): void {
    this.#of(service).requests++;
  }

  /** `in`: toward the client (response bytes); `out`: toward the endpoint. */
  bytes(service: string, bytesIn: number, bytesOut: number): void {
    const c = this.#of(service);
    c.bytesIn += bytesIn;
    c.bytesOut += bytesOut;
  }

  error(service: string, reason: string): void {
    const errors = this.#of(service).errors;
    errors.set(reason, (errors.get(reason) ?? 0) + 1);
  }

  snapshot(service: string): Readonly<ServiceCounters> | undefined {
    return this.#services.get(service);
  }

  #of(service: string): ServiceCounters {
    let c = this.#services.get(service);
    if (!c) {
      const key = this.#services.size >= metricsServicesMax ? '_other' : service;
      c = this.#services.get(key) ?? {
        connections: 0,
        requests: 0,
        bytesIn: 0,
        bytesOut: 0,
        errors: new Map(),
      };
      this.#services.set(key, c);
    }
    return c;
  }

  entries(): [string, Readonly<ServiceCounters>][] {
    return [...this.#services];
  }
}

export function meshMetricsText(metrics: MeshMetrics): string {
  const lines = [
    '# HELP wisp_mesh_connections_total Connections the mesh proxied, per service.',
    '# TYPE wisp_mesh_connections_total counter',
  ];
  const rows = metrics.entries().sort(([a], [b]) => (a < b ? -1 : 1));
  const label = (svc: string) => {
    const [namespace, name] = svc.includes('/') ? svc.split('/') : ['', svc];
    return `namespace="${esc(namespace)}",service="${esc(name)}"`;
  };
  for (const [svc, c] of rows)
    lines.push(`wisp_mesh_connections_total{${label(svc)}} ${c.connections}`);
  lines.push(
    "# HELP wisp_mesh_http_requests_total Pods' outgoing HTTP requests, per service.",
    '# TYPE wisp_mesh_http_requests_total counter',
  );
  for (const [svc, c] of rows)
    lines.push(`wisp_mesh_http_requests_total{${label(svc)}} ${c.requests}`);
  lines.push(
    '# HELP wisp_mesh_bytes_total Bytes the mesh carried, per service and direction.',
    '# TYPE wisp_mesh_bytes_total counter',
  );
  for (const [svc, c] of rows) {
    lines.push(`wisp_mesh_bytes_total{${label(svc)},direction="in"} ${c.bytesIn}`);
    lines.push(`wisp_mesh_bytes_total{${label(svc)},direction="out"} ${c.bytesOut}`);
  }
  lines.push(
    '# HELP wisp_mesh_errors_total Failed or refused mesh connections, per service and reason.',
    '# TYPE wisp_mesh_errors_total counter',
  );
  for (const [svc, c] of rows) {
    for (const [reason, n] of [...c.errors].sort()) {
      lines.push(`wisp_mesh_errors_total{${label(svc)},reason="${esc(reason)}"} ${n}`);
    }
  }
  return lines.join('\n') + '\n';
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
