/**
 * An in-memory OCI distribution registry behind a `fetch` function, for unit tests of the pull
 * and push paths: it records every request, can demand anonymous Bearer tokens, and can be told
 * to serve a blob other than the one a manifest names.
 */
import { sha256Digest } from './digest.ts';
import type { Fetch } from './registry-http.ts';

export interface FakeRegistryOptions {
  /** Demand `Authorization: Bearer <token>` issued by `/token`. */
  readonly requireToken?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: Uint8Array;
}

const TOKEN = 'anon-token';

export class FakeRegistry {
  readonly requests: RecordedRequest[] = [];
  readonly blobs = new Map<string, Uint8Array>();
  /** `repo` → reference (tag or digest) → manifest bytes. */
  readonly manifests = new Map<string, Map<string, Uint8Array>>();
  readonly #options: FakeRegistryOptions;
  #uploads = 0;

  constructor(options: FakeRegistryOptions = {}) {
    this.#options = options;
  }

  addBlob(bytes: Uint8Array): string {
    const digest = sha256Digest(bytes);
    this.blobs.set(digest, bytes);
    return digest;
  }

  addManifest(repo: string, tag: string, bytes: Uint8Array): string {
    const digest = sha256Digest(bytes);
    const refs = this.manifests.get(repo) ?? new Map<string, Uint8Array>();
    refs.set(tag, bytes);
    refs.set(digest, bytes);
    this.manifests.set(repo, refs);
    return digest;
  }

  /** Requests whose method and path match, e.g. count('GET', '/blobs/'). */
  count(method: string, pathPart: string): number {
    return this.requests.filter((r) => r.method === method && r.url.includes(pathPart)).length;
  }

  readonly fetch: Fetch = async (input, init = {}) => {
    const method = init.method ?? 'GET';
    const headers = Object.fromEntries(
      Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [
        k.toLowerCase(),
        v,
      ]),
    );
    const body = init.body === undefined ? undefined : new Uint8Array(init.body as Uint8Array);
    this.requests.push({ method, url: input, headers, body });
    const url = new URL(input);
    if (url.pathname === '/token') return json(200, { token: TOKEN });
    if (this.#options.requireToken && headers.authorization !== `Bearer ${TOKEN}`) {
      const scope = 'repository:x:pull';
      const challenge = `Bearer realm="${url.origin}/token",service="fake",scope="${scope}"`;
      return json(
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        {
          'www-authenticate': challenge,
        },
      );
    }
    return this.#route(method, url, body);
  };

  #route(method: string, url: URL, body: Uint8Array | undefined): Response {
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/(.*)$/.exec(url.pathname);
    if (upload && method === 'POST') {
      const location = `/v2/${upload[1]}/blobs/uploads/u${++this.#uploads}?state=x`;
      return new Response(null, { status: 202, headers: { location } });
    }
    if (upload && method === 'PUT') {
      const digest = url.searchParams.get('digest') ?? '';
      if (!body || sha256Digest(body) !== digest)
        return json(400, { errors: [{ code: 'DIGEST_INVALID' }] });
      this.blobs.set(digest, body);
      return new Response(null, { status: 201, headers: { 'docker-content-digest': digest } });
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m) return json(404, { errors: [{ code: 'NOT_FOUND' }] });
    const [, repo, kind, ref] = m;
    if (kind === 'manifests' && method === 'PUT') {
      const digest = this.addManifest(repo, ref, body ?? new Uint8Array());
      return new Response(null, { status: 201, headers: { 'docker-content-digest': digest } });
    }
    const bytes = kind === 'blobs' ? this.blobs.get(ref) : this.manifests.get(repo)?.get(ref);
    if (!bytes) {
      const code = kind === 'blobs' ? 'BLOB_UNKNOWN' : 'MANIFEST_UNKNOWN';
      return json(404, { errors: [{ code, message: `${kind.slice(0, -1)} unknown` }] });
    }
    const headers = {
      'content-length': String(bytes.length),
      'docker-content-digest': sha256Digest(bytes),
    };
    return new Response(method === 'HEAD' ? null : bytes, { status: 200, headers });
  }
}

function json(status: number, doc: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(doc), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Smallest byte string that passes the component preamble check. */
export function fakeComponent(payload: string): Uint8Array {
  return Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]), Buffer.from(payload)]);
}
