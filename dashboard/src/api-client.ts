/**
 * The apiserver from the browser: same origin, the user's bearer token on every call. Failures
 * become `ApiError`s carrying the `Status` the apiserver sent, so the page can show them.
 *
 *   const api = createApiClient({ token, fetch: window.fetch.bind(window) });
 *   const nodes = await api.get<List<Node>>('/api/v1/nodes');
 *   for await (const ev of api.watch('/api/v1/pods', rv, signal)) ...
 */
import type { WatchEvent } from './object-cache.ts';
import { createLineSplitter } from './watch-lines.ts';

export class ApiError extends Error {
  readonly code = 'API_ERROR';
  readonly status: number;
  readonly reason: string;
  constructor(message: string, status: number, reason: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason;
  }
}

export interface List<T> {
  readonly metadata: { resourceVersion?: string };
  readonly items: T[];
}

export interface ApiClientInit {
  readonly token: string;
  readonly fetch: typeof fetch;
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  /** A JSON merge patch. */
  mergePatch<T>(path: string, patch: unknown): Promise<T>;
  /** A text body as it arrives (`pods/NAME/log?follow=true`), until it ends or `signal` aborts. */
  streamText(path: string, signal: AbortSignal): AsyncIterable<string>;
  /** Events from `resourceVersion` on, until the server ends the stream or `signal` aborts. */
  watch<T>(
    path: string,
    resourceVersion: string,
    signal: AbortSignal,
  ): AsyncIterable<WatchEvent<T>>;
}

export function createApiClient(init: ApiClientInit): ApiClient {
  const headers = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${init.token}`,
    accept: 'application/json',
    ...extra,
  });
  const call = async <T>(method: string, path: string, body?: unknown, type?: string) => {
    const res = await init.fetch(path, {
      method,
      headers: headers(body === undefined ? {} : { 'content-type': type ?? 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw await apiErrorOf(res, `${method} ${path}`);
    return (await res.json()) as T;
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    mergePatch: (path, patch) => call('PATCH', path, patch, 'application/merge-patch+json'),
    async *streamText(path: string, signal: AbortSignal) {
      const res = await init.fetch(path, { headers: headers({ accept: '*/*' }), signal });
      if (!res.ok || !res.body) throw await apiErrorOf(res, `GET ${path}`);
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield decoder.decode(value, { stream: true });
        }
      } finally {
        reader.releaseLock();
      }
    },
    async *watch<T>(path: string, resourceVersion: string, signal: AbortSignal) {
      const sep = path.includes('?') ? '&' : '?';
      const url = `${path}${sep}watch=true&allowWatchBookmarks=true&resourceVersion=${resourceVersion}`;
      const res = await init.fetch(url, { headers: headers(), signal });
      if (!res.ok || !res.body) throw await apiErrorOf(res, `watch ${path}`);
      const lines = createLineSplitter();
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          for (const line of lines.push(value)) yield JSON.parse(line) as WatchEvent<T>;
        }
      } finally {
        reader.releaseLock();
      }
    },
  };
}

/** The apiserver's `Status` message when there is one, else the HTTP status line. */
export async function apiErrorOf(res: Response, what: string): Promise<ApiError> {
  let message = `${what}: ${res.status} ${res.statusText}`;
  let reason = '';
  try {
    const status = (await res.json()) as { message?: string; reason?: string };
    if (status.message) message = `${what}: ${status.message}`;
    reason = status.reason ?? '';
  } catch {
    // Not a Status object (a proxy's error page): the status line is all there is.
  }
  return new ApiError(message, res.status, reason);
}
