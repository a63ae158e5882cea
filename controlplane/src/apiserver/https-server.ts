/**
 * Serves the apiserver app over HTTPS. Client certificates are requested but not required at the
 * TLS layer: the authenticator decides, so bearer-token clients can connect too.
 */
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';

export interface HttpsServerInit {
  readonly host?: string;
  readonly port?: number;
  readonly certPem: string;
  readonly keyPem: string;
  readonly caPem: string;
  /** Close idle keep-alive connections after this long. */
  readonly keepAliveTimeoutMs?: number;
  /** Reject requests whose headers take longer than this. */
  readonly headersTimeoutMs?: number;
}

export interface HttpsServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `https://host:port`, known after start. */
  url(): string;
  port(): number;
}

export function createHttpsServer(init: HttpsServerInit, app: Hono<never>): HttpsServer {
  let server: Server | undefined;
  let port = 0;
  const host = init.host ?? '127.0.0.1';
  return {
    async start() {
      const listener = getRequestListener(app.fetch);
      server = createServer(
        {
          cert: init.certPem,
          key: init.keyPem,
          ca: [init.caPem],
          requestCert: true,
          rejectUnauthorized: false,
          minVersion: 'TLSv1.2',
        },
        listener,
      );
      server.keepAliveTimeout = init.keepAliveTimeoutMs ?? 65_000;
      server.headersTimeout = init.headersTimeoutMs ?? 60_000;
      server.requestTimeout = 0; // watches are long-lived
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(init.port ?? 6443, host, () => {
          server!.off('error', reject);
          resolve();
        });
      });
      port = (server.address() as AddressInfo).port;
    },
    async stop() {
      if (!server) return;
      const s = server;
      server = undefined;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
    url: () => `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port: () => port,
  };
}
