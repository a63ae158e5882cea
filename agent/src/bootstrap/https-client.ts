/**
 * One JSON-or-text request over HTTPS with the TLS trust spelled out per call: pinned to a CA,
 * with a client certificate, or (only to fetch the CA itself) with verification off. The
 * deadline comes from the injected clock; the answer is size-capped.
 *
 *   const res = await httpsRequest({ url, method: 'POST', json: body, tls: { caPem } }, { clock });
 *   if (res.status === 200) use(JSON.parse(res.text));
 */
import { request } from 'node:https';
import type { Clock } from '@wisp/core';
import { ServerUnreachableError } from './errors.ts';

export const requestTimeoutMsDefault = 15_000;
export const responseBytesMaxDefault = 256 * 1024;

export interface TlsTrust {
  /** Verify the server against this CA only. */
  readonly caPem?: string;
  readonly certPem?: string;
  readonly keyPem?: string;
  /** Skip server verification: only for fetching the CA, whose hash is checked after. */
  readonly insecure?: boolean;
}

export interface HttpsRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly tls: TlsTrust;
  readonly timeoutMs?: number;
  readonly responseBytesMax?: number;
}

export interface HttpsResponse {
  readonly status: number;
  readonly text: string;
}

export function httpsRequest(
  req: HttpsRequest,
  components: { readonly clock: Clock },
): Promise<HttpsResponse> {
  const body = req.json === undefined ? undefined : JSON.stringify(req.json);
  const bytesMax = req.responseBytesMax ?? responseBytesMaxDefault;
  const signal = components.clock.timeoutSignal(req.timeoutMs ?? requestTimeoutMsDefault);
  const { tls } = req;
  return new Promise((resolve, reject) => {
    const fail = (cause: unknown) =>
      reject(
        cause instanceof ServerUnreachableError
          ? cause
          : new ServerUnreachableError(`${req.method ?? 'GET'} ${req.url}: ${messageOf(cause)}`, {
              cause,
            }),
      );
    const r = request(
      req.url,
      {
        method: req.method ?? 'GET',
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...req.headers,
        },
        ca: tls.caPem ? [tls.caPem] : undefined,
        cert: tls.certPem,
        key: tls.keyPem,
        rejectUnauthorized: tls.insecure !== true,
        agent: false,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > bytesMax) {
            res.destroy(new ServerUnreachableError(`${req.url}: answer over ${bytesMax} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    r.on('error', fail);
    r.end(body);
  });
}

function messageOf(e: unknown): string {
  if (e instanceof Error && e.name === 'AbortError') return 'timed out';
  return e instanceof Error ? e.message : String(e);
}
