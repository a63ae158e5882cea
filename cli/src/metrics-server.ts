/**
 * A plain-HTTP `/metrics` listener for Prometheus text, for the agent's `--metrics-listen`
 * (kubelet serves its metrics the same way). Only GET /metrics answers; nothing else is served.
 *
 *   const server = await startMetricsServer('127.0.0.1:10249', () => mesh.metricsText());
 *   await server.close();
 */
import { createServer } from 'node:http';
import { UsageError } from './flags.ts';

export interface MetricsServer {
  /** The bound `host:port` (port 0 resolved). */
  readonly address: string;
  close(): Promise<void>;
}

export async function startMetricsServer(
  listen: string,
  text: () => string,
): Promise<MetricsServer> {
  const at = /^(.+):(\d+)$/.exec(listen);
  if (!at) throw new UsageError(`--metrics-listen: Invalid value: "${listen}": want HOST:PORT`);
  const host = at[1].replace(/^\[(.*)\]$/, '$1');
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(text());
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(Number(at[2]), host, () => ok());
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : Number(at[2]);
  return {
    address: `${host}:${port}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
