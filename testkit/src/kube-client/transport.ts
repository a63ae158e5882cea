/**
 * HTTP(S) requests over one keep-alive agent per client. With a CA given, it is the only CA
 * trusted (the server is pinned to the cluster CA); a client certificate is presented when set.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { KubeConnectionError, KubeResponseTooLargeError } from './errors.ts';
import { IDLE_SOCKETS_MAX } from './types.ts';
import type { KubeClientInit } from './types.ts';

export interface HttpRequest {
  readonly method: string;
  /** Path with its query string. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpStream {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: AsyncIterable<Buffer>;
  /** Ends the answer early and frees its socket. */
  close(): void;
}

export interface Transport {
  send(req: HttpRequest, bytesMax: number): Promise<HttpAnswer>;
  open(req: HttpRequest): Promise<HttpStream>;
  close(): void;
}

export function createTransport(init: KubeClientInit): Transport {
  const url = new URL(init.server);
  const tls = url.protocol === 'https:';
  if (!tls && url.protocol !== 'http:') {
    throw new TypeError(`server: Invalid value: "${init.server}": must be https:// or http://`);
  }
  const common = { keepAlive: true, maxFreeSockets: init.idleSocketsMax ?? IDLE_SOCKETS_MAX };
  const agent = tls
    ? new HttpsAgent({
        ...common,
        ca: init.caPem,
        cert: init.certPem,
        key: init.keyPem,
        rejectUnauthorized: !init.insecureSkipTlsVerify,
      })
    : new HttpAgent(common);
  const request = tls ? httpsRequest : httpRequest;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port || (tls ? 443 : 80);
  const prefix = url.pathname.replace(/\/$/, '');

  function open(req: HttpRequest): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const r = request(
        {
          agent,
          hostname,
          port,
          method: req.method,
          path: prefix + req.path,
          headers: withLength(req),
          signal: req.signal,
        },
        resolve,
      );
      r.on('error', (e) => reject(failure(e, req)));
      r.end(req.body);
    });
  }

  return {
    async send(req, bytesMax) {
      const res = await open(req);
      const body = await readCapped(res, bytesMax, req);
      return { statusCode: res.statusCode ?? 0, headers: res.headers, body };
    },
    async open(req) {
      const res = await open(req);
      return {
        statusCode: res.statusCode ?? 0,
        headers: res.headers,
        body: streamOf(res, req),
        close: () => res.destroy(),
      };
    },
    close: () => agent.destroy(),
  };
}

function withLength(req: HttpRequest): Record<string, string> {
  const headers = { ...req.headers };
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  return headers;
}

/** The caller's abort reason when it aborted; otherwise a named connection error. */
function failure(e: unknown, req: HttpRequest): unknown {
  if (req.signal?.aborted) return req.signal.reason;
  const why = e instanceof Error ? e.message : String(e);
  return new KubeConnectionError(`${req.method} ${req.path}: ${why}`, { cause: e });
}

async function readCapped(res: IncomingMessage, bytesMax: number, req: HttpRequest) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of streamOf(res, req)) {
    size += chunk.length;
    if (size > bytesMax) {
      res.destroy();
      throw new KubeResponseTooLargeError(`${req.method} ${req.path}`, bytesMax);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function* streamOf(res: IncomingMessage, req: HttpRequest): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of res) yield chunk as Buffer;
  } catch (e) {
    throw failure(e, req);
  }
  // A socket cut mid-answer ends the stream without an error event on some Node versions.
  if (!res.complete && !req.signal?.aborted) {
    throw new KubeConnectionError(`${req.method} ${req.path}: the connection closed mid-answer`);
  }
}
