/**
 * Serves the apiserver app over TLS, HTTP/2 and HTTP/1.1 on one port (ALPN picks): a browser
 * keeps at most six HTTP/1.1 connections to one server and each watch holds one open, while one
 * HTTP/2 connection carries every watch as a stream. Client certificates are requested but not
 * required at the TLS layer: the authenticator decides, so bearer-token clients can connect too.
 */
import { createSecureServer } from 'node:http2';
import type { Http2SecureServer, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';

export interface HttpsServerInit {
  readonly host?: string;
  readonly port?: number;
  readonly certPem: string;
  readonly keyPem: string;
  readonly caPem: string;
  /**
   * Close a connection with no request in flight after this long: an idle HTTP/1.1 keep-alive
   * connection, or an HTTP/2 connection with no open stream.
   */
  readonly keepAliveTimeoutMs?: number;
  /** Reject HTTP/1.1 requests whose headers take longer than this. */
  readonly headersTimeoutMs?: number;
  /** Streams one HTTP/2 connection may have open at once (Go's and kube-apiserver's default). */
  readonly streamsPerConnectionMax?: number;
}

export interface HttpsServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `https://host:port`, known after start. */
  url(): string;
  port(): number;
}

/** The HTTP/1.1 settings Node's HTTP/2 server applies to connections that negotiate HTTP/1.1. */
interface Http1Timeouts {
  keepAliveTimeout: number;
  headersTimeout: number;
  requestTimeout: number;
}

export function createHttpsServer(init: HttpsServerInit, app: Hono<never>): HttpsServer {
  let server: Http2SecureServer | undefined;
  let port = 0;
  const host = init.host ?? '127.0.0.1';
  const keepAliveTimeoutMs = init.keepAliveTimeoutMs ?? 65_000;
  const sockets = new Set<Socket>();
  return {
    async start() {
      const s = createSecureServer({
        cert: init.certPem,
        key: init.keyPem,
        ca: [init.caPem],
        requestCert: true,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
        allowHTTP1: true,
        settings: { maxConcurrentStreams: init.streamsPerConnectionMax ?? 250 },
      });
      s.on('request', getRequestListener(app.fetch));
      const h1 = s as unknown as Http1Timeouts;
      h1.keepAliveTimeout = keepAliveTimeoutMs;
      h1.headersTimeout = init.headersTimeoutMs ?? 60_000;
      h1.requestTimeout = 0; // watches are long-lived
      s.on('secureConnection', (socket: Socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      s.on('session', (session: ServerHttp2Session) => closeWhenIdle(session, keepAliveTimeoutMs));
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(init.port ?? 6443, host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
      port = (s.address() as AddressInfo).port;
    },
    async stop() {
      if (!server) return;
      const s = server;
      server = undefined;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        // Watches never end on their own: cut every connection, HTTP/1.1 and HTTP/2 alike.
        for (const socket of sockets) socket.destroy();
      });
    },
    url: () => `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port: () => port,
  };
}

/**
 * Closes an HTTP/2 connection once it has had no open stream for `idleMs`. The session's timer
 * runs on frames, so a quiet watch also trips it (and is let be); it fires once per arming, so
 * the last stream to close arms it again.
 */
function closeWhenIdle(session: ServerHttp2Session, idleMs: number): void {
  let open = 0;
  session.on('stream', (stream: ServerHttp2Stream) => {
    open++;
    stream.once('close', () => {
      if (--open === 0 && !session.closed) session.setTimeout(idleMs);
    });
  });
  session.on('timeout', () => {
    if (open === 0) session.close();
  });
  session.setTimeout(idleMs);
}
