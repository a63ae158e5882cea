/**
 * HTTP for the registry client: one deadline per request from the injected clock, anonymous
 * Bearer-token auth (answer a 401 challenge once, remember the token per repository), bounded
 * body reads, and distribution's JSON errors turned into one readable line.
 */
import type { Clock } from '@wisp/core';
import { RegistryError } from './image-errors.ts';
import { checkUrlScheme } from './registry-endpoint.ts';

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface RegistryHttpInit {
  readonly insecureHosts: readonly string[];
  readonly requestTimeoutMs: number;
}

export interface RegistryHttpComponents {
  readonly clock: Clock;
  readonly fetch: Fetch;
}

export interface SendOptions {
  /** Which token cache entry answers this request: `registry/repository`. */
  readonly authKey: string;
  /** Overrides `requestTimeoutMs` (blob transfers get longer). */
  readonly timeoutMs?: number;
}

export interface RegistryHttp {
  send(url: string, init: RequestInit, options: SendOptions): Promise<Response>;
}

/** Token responses and error bodies are small; anything bigger is not what we asked for. */
export const tokenBytesMax = 64 * 1024;
export const errorBodyBytesMax = 64 * 1024;

export function createRegistryHttp(
  init: RegistryHttpInit,
  components: RegistryHttpComponents,
): RegistryHttp {
  const tokens = new Map<string, string>();

  async function attempt(url: string, req: RequestInit, timeoutMs: number): Promise<Response> {
    const scheme = checkUrlScheme(new URL(url), init.insecureHosts);
    if (scheme) throw new RegistryError(`${req.method ?? 'GET'} ${url}: ${scheme}`, undefined);
    const signal = components.clock.timeoutSignal(timeoutMs);
    try {
      return await components.fetch(url, { ...req, signal, redirect: 'follow' });
    } catch (e) {
      const why = signal.aborted ? `no answer within ${timeoutMs} ms` : causeText(e);
      throw new RegistryError(`${req.method ?? 'GET'} ${url}: ${why}`, undefined, { cause: e });
    }
  }

  return {
    async send(url, req, options) {
      const timeoutMs = options.timeoutMs ?? init.requestTimeoutMs;
      const withToken = (token: string | undefined): RequestInit =>
        token === undefined
          ? req
          : {
              ...req,
              headers: {
                ...(req.headers as Record<string, string>),
                authorization: `Bearer ${token}`,
              },
            };
      const res = await attempt(url, withToken(tokens.get(options.authKey)), timeoutMs);
      if (res.status !== 401) return res;
      const challenge = parseBearerChallenge(res.headers.get('www-authenticate'));
      if (!challenge) return res;
      await res.body?.cancel();
      const token = await fetchToken(challenge, (u) => attempt(u, { method: 'GET' }, timeoutMs));
      tokens.set(options.authKey, token);
      return attempt(url, withToken(token), timeoutMs);
    },
  };
}

export interface BearerChallenge {
  readonly realm: string;
  readonly service?: string;
  readonly scope?: string;
}

/** `Bearer realm="…",service="…",scope="…"`, or undefined for any other scheme. */
export function parseBearerChallenge(header: string | null): BearerChallenge | undefined {
  if (!header || !/^bearer\s/i.test(header)) return undefined;
  const params = new Map<string, string>();
  const re = /([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const m of header.slice(7).matchAll(re)) {
    params.set(m[1].toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]);
  }
  const realm = params.get('realm');
  if (!realm) return undefined;
  return { realm, service: params.get('service'), scope: params.get('scope') };
}

async function fetchToken(
  challenge: BearerChallenge,
  get: (url: string) => Promise<Response>,
): Promise<string> {
  const url = new URL(challenge.realm);
  if (challenge.service) url.searchParams.set('service', challenge.service);
  if (challenge.scope) url.searchParams.set('scope', challenge.scope);
  const res = await get(url.toString());
  if (res.status !== 200) throw await responseError('GET', url.toString(), res, 'token request');
  const body = await readBounded(res, tokenBytesMax, 'token response');
  let doc: { token?: unknown; access_token?: unknown };
  try {
    doc = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new RegistryError(`GET ${url.origin}${url.pathname}: token response is not JSON`, 200);
  }
  const token = doc.token ?? doc.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new RegistryError(`GET ${url.origin}${url.pathname}: token response has no token`, 200);
  }
  return token;
}

/** The whole body, refusing more than `bytesMax` (checked on Content-Length and on the wire). */
export async function readBounded(
  res: Response,
  bytesMax: number,
  what: string,
): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > bytesMax) {
    await res.body?.cancel();
    throw new RegistryError(`${what} is ${declared} bytes, more than ${bytesMax}`, res.status);
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  if (res.body) {
    for await (const chunk of res.body) {
      total += chunk.length;
      if (total > bytesMax) {
        throw new RegistryError(`${what} is more than ${bytesMax} bytes`, res.status);
      }
      parts.push(chunk);
    }
  }
  return Buffer.concat(parts);
}

/** `METHOD url: 404 MANIFEST_UNKNOWN manifest unknown` from distribution's error body. */
export async function responseError(
  method: string,
  url: string,
  res: Response,
  what = '',
): Promise<RegistryError> {
  let detail = '';
  try {
    const body = await readBounded(res, errorBodyBytesMax, 'error body');
    const doc = JSON.parse(new TextDecoder().decode(body)) as {
      errors?: { code?: string; message?: string }[];
    };
    const first = doc.errors?.[0];
    if (first) detail = ` ${first.code ?? ''} ${first.message ?? ''}`.trimEnd();
  } catch {
    // A body that is not distribution's JSON adds nothing worth showing.
  }
  const prefix = what ? `${what}: ` : '';
  return new RegistryError(`${prefix}${method} ${url}: ${res.status}${detail}`, res.status);
}

function causeText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}`;
}

/** A response body as chunks; a body-less response yields nothing. */
export async function* bodyChunks(res: Response): AsyncIterable<Uint8Array> {
  if (!res.body) return;
  for await (const chunk of res.body) yield chunk as Uint8Array;
}
