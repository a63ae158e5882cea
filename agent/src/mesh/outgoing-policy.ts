/**
 * The `OutgoingPolicy` a wasm pod's outgoing `wasi:http` requests go through: a URL whose host
 * is a service name or ClusterIP goes, as HTTP/1.1 over a mesh connection, to a ready endpoint
 * (with the calling pod as the NetworkPolicy source); anything else is denied. The shapes match
 * runtime-wasm's `OutgoingPolicy` structurally (the agent does not import runtime-wasm); the
 * composition root passes `errors` that build runtime-wasm's own error classes, so the guest
 * sees `HTTP-request-denied`.
 *
 *   const outgoing = createMeshOutgoingPolicy(mesh, { namespace, name, ip, labels }, {
 *     errors: { denied: (url, why) => new OutgoingDeniedError(url, why) },
 *   });
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WispError } from '@wisp/core';
import type { Mesh } from './mesh.ts';
import type { TunnelSource } from './mesh-protocol.ts';
import { asDuplex } from './tunnel.ts';
import type { MeshEndpoint } from './service-table.ts';

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

type MeshView = Pick<Mesh, 'resolve' | 'connectService' | 'connectEndpoint' | 'state' | 'metrics'>;

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
    let socket: Duplex;
    let serviceKey: string;
    try {
      [socket, serviceKey] = await connectFor(mesh, url.hostname, port, pod.namespace, source);
    } catch (e) {
      if (e instanceof MeshOutgoingDeniedError) throw deny(req.url, e.message);
      const code = (e as { code?: string }).code;
      if (code === 'ERR_FORBIDDEN') throw deny(req.url, (e as Error).message);
      throw fail(req.url, (e as Error).message, e);
    }
    try {
      const res = await exchange(socket, url, req, bytesMax, opts?.signal);
      mesh.metrics.bytes(serviceKey, res.body.byteLength, req.body.byteLength);
      return res;
    } catch (e) {
      mesh.metrics.error(serviceKey, 'http');
      throw fail(req.url, (e as Error).message, e);
    }
  };
}

async function connectFor(
  mesh: MeshView,
  host: string,
  port: number,
  namespace: string,
  source: TunnelSource,
): Promise<[Duplex, string]> {
  let hit = mesh.resolve(host, port, namespace);
  // An ExternalName that names another service of the cluster is followed once.
  if (hit?.kind === 'external') hit = mesh.resolve(hit.host, port, namespace);
  if (!hit || hit.kind === 'external') {
    throw new MeshOutgoingDeniedError(`http://${host}:${port}`, 'not a service of the cluster');
  }
  if (hit.kind === 'service') {
    const connected = await mesh.connectService(hit.service.key, hit.port.name, source);
    return [asDuplex(connected.upstream), hit.service.key];
  }
  // Headless: straight to one ready endpoint, on the port the URL names.
  const endpoints = [...hit.service.endpoints.values()].flat();
  const chosen: MeshEndpoint | undefined = endpoints[0];
  if (!chosen) throw new Error(`service ${hit.service.key}: no ready endpoints`);
  const upstream = await mesh.connectEndpoint(hit.service.key, { ...chosen, port }, source);
  mesh.metrics.opened(hit.service.key);
  return [asDuplex(upstream), hit.service.key];
}

function exchange(
  socket: Duplex,
  url: URL,
  req: MeshOutgoingRequest,
  bytesMax: number,
  signal: AbortSignal | undefined,
): Promise<MeshOutgoingResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of req.headers) {
      const key = k.toLowerCase();
      headers[key] = key in headers ? `${headers[key]}, ${v}` : v;
    }
    headers.host ??= url.host;
    headers.connection = 'close';
    headers['content-length'] = String(req.body.byteLength);
    const out = http.request({
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers,
      createConnection: () => socket as never,
      ...(signal ? { signal } : {}),
    });
    out.on('error', (e) => {
      socket.destroy();
      reject(e);
    });
    out.on('response', (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.byteLength;
        if (bytes > bytesMax) {
          res.destroy(new RangeError(`response body: Too long: over ${bytesMax} bytes`));
        } else chunks.push(c);
      });
      res.on('error', reject);
      res.on('end', () => {
        const raw = res.rawHeaders;
        const pairs: [string, string][] = [];
        for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i].toLowerCase(), raw[i + 1]]);
        resolve({ status: res.statusCode ?? 502, headers: pairs, body: Buffer.concat(chunks) });
      });
    });
    out.end(req.body);
  });
}
