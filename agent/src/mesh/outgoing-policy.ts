/**
 * The `OutgoingPolicy` a wasm pod's outgoing `wasi:http` requests go through: a URL whose host
 * is a service name or ClusterIP goes, as HTTP/1.1 over a mesh connection, to a ready endpoint
 * (with the calling pod as the NetworkPolicy source); anything else is denied. The shapes match
 * runtime-wasm's `OutgoingPolicy` structurally (the agent does not import runtime-wasm); the
 * composition root passes `errors` that build runtime-wasm's own error classes, so the guest
 * sees `HTTP-request-denied`. Connections are kept between requests (outgoing-pool.ts), and
 * each request picks its endpoint, so replicas share a caller's load as they would per
 * connection.
 *
 *   const outgoing = createMeshOutgoingPolicy(mesh, { namespace, name, ip, labels }, {
 *     errors: { denied: (url, why) => new OutgoingDeniedError(url, why) },
 *   });
 */
import http from 'node:http';
import { WispError } from '@wisp/core';
import type { Mesh } from './mesh.ts';
import { MeshConnectError } from './mesh-errors.ts';
import type { TunnelSource } from './mesh-protocol.ts';
import type { OutgoingPool, PoolTarget } from './outgoing-pool.ts';
import type { MeshEndpoint, MeshService, Resolution } from './service-table.ts';

export interface MeshOutgoingRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: [string, string][];
  readonly body: Uint8Array;
}

export interface MeshOutgoingResponse {
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: Uint8Array;
}

export type MeshOutgoingPolicy = (
  req: MeshOutgoingRequest,
  opts?: { readonly signal: AbortSignal },
) => Promise<MeshOutgoingResponse>;

export interface CallingPod {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface OutgoingPolicyOptions {
  /** Largest response body taken in. */
  readonly responseBytesMax?: number;
  readonly errors?: {
    denied?(url: string, reason: string): Error;
    failed?(url: string, reason: string, cause: unknown): Error;
  };
}

export const outgoingResponseBytesMaxDefault = 16 * 1024 * 1024;

export class MeshOutgoingDeniedError extends WispError {
  constructor(url: string, reason: string) {
    super('ERR_FORBIDDEN', `outgoing request to ${url}: ${reason}`);
  }
}

type MeshView = Pick<Mesh, 'resolve' | 'withEndpoint' | 'outgoing' | 'state' | 'metrics'>;

/**
 * Times one request is sent again after a kept connection failed it before any answer: the
 * server may close an idle connection as a request leaves on it (only idempotent methods).
 */
const keptConnectionRetriesMax = 2;
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** What one try of a request gave, once a connection was had: an answer or its failure. */
type Outcome =
  | { readonly res: MeshOutgoingResponse }
  | { readonly error: Error; readonly onKeptConnection: boolean };

export function createMeshOutgoingPolicy(
  mesh: MeshView,
  pod: CallingPod,
  options: OutgoingPolicyOptions = {},
): MeshOutgoingPolicy {
  const deny = options.errors?.denied ?? ((u, r) => new MeshOutgoingDeniedError(u, r));
  const fail = options.errors?.failed ?? ((u, r, cause) => new Error(`${u}: ${r}`, { cause }));
  const bytesMax = options.responseBytesMax ?? outgoingResponseBytesMaxDefault;
  const source: TunnelSource = {
    ip: pod.ip,
    namespace: pod.namespace,
    pod: pod.name,
    labels: pod.labels ?? mesh.state().pods.get(`${pod.namespace}/${pod.name}`)?.metadata?.labels,
  };
  return async (req, opts) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw deny(req.url, 'not an absolute URL');
    }
    if (url.protocol !== 'http:') throw deny(req.url, 'only http:// reaches the mesh');
    const port = url.port ? Number(url.port) : 80;
    const hit = serviceFor(mesh, url.hostname, port, pod.namespace);
    if (!hit) throw deny(req.url, 'not a service of the cluster');
    const serviceKey = hit.service.key;
    const send = (endpoint: MeshEndpoint) =>
      exchange(mesh.outgoing, { source, serviceKey, endpoint }, url, req, bytesMax, opts?.signal);
    let outcome: Outcome;
    mesh.metrics.requested(serviceKey);
    try {
      for (let retries = 0; ; retries++) {
        outcome =
          hit.kind === 'service'
            ? await mesh.withEndpoint(serviceKey, hit.port.name, source, (_s, ep) => send(ep))
            : await send(headlessEndpoint(hit.service, port));
        const again =
          'error' in outcome &&
          outcome.onKeptConnection &&
          idempotentMethods.has(req.method.toUpperCase()) &&
          !opts?.signal?.aborted &&
          retries < keptConnectionRetriesMax;
        if (!again) break;
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_FORBIDDEN') throw deny(req.url, (e as Error).message);
      throw fail(req.url, (e as Error).message, e);
    }
    if ('error' in outcome) {
      mesh.metrics.error(serviceKey, 'http');
      throw fail(req.url, outcome.error.message, outcome.error);
    }
    mesh.metrics.bytes(serviceKey, outcome.res.body.byteLength, req.body.byteLength);
    return outcome.res;
  };
}

type ServiceHit = Extract<Resolution, { kind: 'service' | 'headless' }>;

function serviceFor(
  mesh: MeshView,
  host: string,
  port: number,
  namespace: string,
): ServiceHit | undefined {
  let hit = mesh.resolve(host, port, namespace);
  // An ExternalName that names another service of the cluster is followed once.
  if (hit?.kind === 'external') hit = mesh.resolve(hit.host, port, namespace);
  return hit && hit.kind !== 'external' ? hit : undefined;
}

/** Headless: straight to one ready endpoint, on the port the URL names. */
function headlessEndpoint(service: MeshService, port: number): MeshEndpoint {
  const chosen: MeshEndpoint | undefined = [...service.endpoints.values()].flat()[0];
  if (!chosen) {
    throw new MeshConnectError('no-endpoints', `service ${service.key}: no ready endpoints`);
  }
  return { ...chosen, port };
}

/**
 * One request over a kept or a new connection to `target`. Rejects only when no connection
 * could be had (so the caller may try another endpoint); a failure after that is the outcome.
 */
function exchange(
  pool: OutgoingPool,
  target: PoolTarget,
  url: URL,
  req: MeshOutgoingRequest,
  bytesMax: number,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of req.headers) {
      const key = k.toLowerCase();
      headers[key] = key in headers ? `${headers[key]}, ${v}` : v;
    }
    headers.host ??= url.host;
    headers['content-length'] = String(req.body.byteLength);
    let connected = false;
    let answered = false;
    const out = http.request({
      ...pool.requestOptions(target),
      agent: pool,
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers,
      ...(signal ? { signal } : {}),
    });
    out.on('socket', () => (connected = true));
    const failed = (error: Error) => {
      // Without a connection the endpoint failed, and another may be tried; unless the caller
      // gave up, which ends the request wherever it was.
      if (!connected && !signal?.aborted) reject(error);
      else resolve({ error, onKeptConnection: connected && out.reusedSocket && !answered });
    };
    out.on('error', failed);
    out.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.byteLength;
        if (bytes > bytesMax) {
          res.destroy(new RangeError(`response body: Too long: over ${bytesMax} bytes`));
        } else chunks.push(c);
      });
      res.on('error', failed);
      res.on('end', () => {
        const raw = res.rawHeaders;
        const pairs: [string, string][] = [];
        for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i].toLowerCase(), raw[i + 1]]);
        const body = Buffer.concat(chunks);
        resolve({ res: { status: res.statusCode ?? 502, headers: pairs, body } });
      });
    });
    out.end(req.body);
  });
}
