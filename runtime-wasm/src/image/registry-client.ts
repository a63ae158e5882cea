/**
 * The OCI distribution API, as much of it as wasm components need: manifests by tag or digest,
 * blobs streamed out, and the upload sequence `wisp push` uses (HEAD, POST, PUT ?digest=).
 *
 *   const client = createRegistryClient({}, { clock, fetch });
 *   const m = await client.getManifest(ref);             // checked: one application/wasm layer
 *   const res = await client.getBlob(ref, m.manifest.layer);
 */
import type { Clock } from '@wisp/core';
import { sha256Digest } from './digest.ts';
import { RegistryError } from './image-errors.ts';
import type { RegistryImageRef } from './image-ref.ts';
import { parseWasmManifest, type Descriptor, type WasmManifest } from './manifest.ts';
import { ociManifestMediaType } from './media-types.ts';
import { defaultInsecureHosts, registryBaseUrl } from './registry-endpoint.ts';
import {
  createRegistryHttp,
  readBounded,
  responseError,
  type Fetch,
  type RegistryHttp,
} from './registry-http.ts';

export interface RegistryClientInit {
  /** Hosts spoken to over plain http (default: loopback). */
  readonly insecureHosts?: readonly string[];
  readonly manifestBytesMax?: number;
  readonly blobBytesMax?: number;
  /** Deadline for a manifest, token or upload-control request, body included. */
  readonly requestTimeoutMs?: number;
  /** Deadline for one blob transfer, body included. */
  readonly blobTimeoutMs?: number;
}

export interface RegistryClientComponents {
  readonly clock: Clock;
  readonly fetch?: Fetch;
}

export interface PulledManifest {
  /** sha256 of the manifest bytes as served. */
  readonly digest: string;
  readonly bytes: Uint8Array;
  readonly manifest: WasmManifest;
}

export interface RegistryClient {
  readonly limits: Required<Omit<RegistryClientInit, 'insecureHosts'>>;
  getManifest(ref: RegistryImageRef): Promise<PulledManifest>;
  /** A 200 response whose body the caller streams (and must verify). */
  getBlob(ref: RegistryImageRef, layer: Descriptor): Promise<Response>;
  hasBlob(ref: RegistryImageRef, digest: string): Promise<boolean>;
  /** Uploads unless the registry already has it; resolves true if bytes were sent. */
  putBlob(ref: RegistryImageRef, bytes: Uint8Array): Promise<boolean>;
  /** Stores the manifest under `reference` (a tag or its digest); resolves with its digest. */
  putManifest(ref: RegistryImageRef, reference: string, bytes: Uint8Array): Promise<string>;
}

export const defaultManifestBytesMax = 4 * 1024 * 1024;
export const defaultBlobBytesMax = 256 * 1024 * 1024;
export const defaultRequestTimeoutMs = 30_000;
export const defaultBlobTimeoutMs = 10 * 60_000;

export function createRegistryClient(
  init: RegistryClientInit,
  components: RegistryClientComponents,
): RegistryClient {
  const insecureHosts = init.insecureHosts ?? defaultInsecureHosts;
  const limits = {
    manifestBytesMax: init.manifestBytesMax ?? defaultManifestBytesMax,
    blobBytesMax: init.blobBytesMax ?? defaultBlobBytesMax,
    requestTimeoutMs: init.requestTimeoutMs ?? defaultRequestTimeoutMs,
    blobTimeoutMs: init.blobTimeoutMs ?? defaultBlobTimeoutMs,
  };
  const http = createRegistryHttp(
    { insecureHosts, requestTimeoutMs: limits.requestTimeoutMs },
    { clock: components.clock, fetch: components.fetch ?? ((u, i) => fetch(u, i)) },
  );
  return new DistributionClient(http, limits, insecureHosts);
}

class DistributionClient implements RegistryClient {
  readonly limits: RegistryClient['limits'];
  readonly #http: RegistryHttp;
  readonly #insecureHosts: readonly string[];

  constructor(
    http: RegistryHttp,
    limits: RegistryClient['limits'],
    insecureHosts: readonly string[],
  ) {
    this.#http = http;
    this.limits = limits;
    this.#insecureHosts = insecureHosts;
  }

  async getManifest(ref: RegistryImageRef): Promise<PulledManifest> {
    const reference = ref.digest ?? ref.tag;
    if (reference === undefined) throw new Error('image reference has neither tag nor digest');
    const url = `${this.#base(ref)}/manifests/${reference}`;
    const headers = { accept: ociManifestMediaType };
    const res = await this.#send(ref, url, { method: 'GET', headers });
    if (res.status !== 200) throw await responseError('GET', url, res);
    const bytes = await readBounded(res, this.limits.manifestBytesMax, `manifest ${url}`);
    const digest = sha256Digest(bytes);
    const want = ref.digest ?? res.headers.get('docker-content-digest') ?? digest;
    if (want !== digest) {
      throw new RegistryError(`manifest digest mismatch: want ${want}, got ${digest}`, 200);
    }
    return { digest, bytes, manifest: parseWasmManifest(bytes) };
  }

  async getBlob(ref: RegistryImageRef, layer: Descriptor): Promise<Response> {
    const url = `${this.#base(ref)}/blobs/${layer.digest}`;
    const res = await this.#send(ref, url, { method: 'GET' }, this.limits.blobTimeoutMs);
    if (res.status !== 200) throw await responseError('GET', url, res);
    return res;
  }

  async hasBlob(ref: RegistryImageRef, digest: string): Promise<boolean> {
    const url = `${this.#base(ref)}/blobs/${digest}`;
    const res = await this.#send(ref, url, { method: 'HEAD' });
    await res.body?.cancel();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await responseError('HEAD', url, res);
  }

  async putBlob(ref: RegistryImageRef, bytes: Uint8Array): Promise<boolean> {
    const digest = sha256Digest(bytes);
    if (await this.hasBlob(ref, digest)) return false;
    const start = `${this.#base(ref)}/blobs/uploads/`;
    const posted = await this.#send(ref, start, {
      method: 'POST',
      headers: { 'content-length': '0' },
    });
    if (posted.status !== 202) throw await responseError('POST', start, posted);
    await posted.body?.cancel();
    const location = posted.headers.get('location');
    if (!location) throw new RegistryError(`POST ${start}: 202 without a Location header`, 202);
    // The Location may carry upload state in its query; keep it and add the digest.
    const upload = new URL(location, start);
    upload.searchParams.set('digest', digest);
    const headers = { 'content-type': 'application/octet-stream' };
    const init = { method: 'PUT', headers, body: bytes };
    const put = await this.#send(ref, upload.toString(), init, this.limits.blobTimeoutMs);
    if (put.status !== 201) throw await responseError('PUT', upload.toString(), put);
    await put.body?.cancel();
    return true;
  }

  async putManifest(ref: RegistryImageRef, reference: string, bytes: Uint8Array): Promise<string> {
    const url = `${this.#base(ref)}/manifests/${reference}`;
    const headers = { 'content-type': ociManifestMediaType };
    const res = await this.#send(ref, url, { method: 'PUT', headers, body: bytes });
    if (res.status !== 201) throw await responseError('PUT', url, res);
    await res.body?.cancel();
    const digest = sha256Digest(bytes);
    const stored = res.headers.get('docker-content-digest');
    if (stored !== null && stored !== digest) {
      throw new RegistryError(`PUT ${url}: registry stored ${stored}, we sent ${digest}`, 201);
    }
    return digest;
  }

  #base(ref: RegistryImageRef): string {
    return `${registryBaseUrl(ref.registry, this.#insecureHosts)}/v2/${ref.repository}`;
  }

  #send(ref: RegistryImageRef, url: string, init: RequestInit, timeoutMs?: number) {
    const authKey = `${ref.registry}/${ref.repository}`;
    return this.#http.send(url, init, { authKey, timeoutMs });
  }
}
