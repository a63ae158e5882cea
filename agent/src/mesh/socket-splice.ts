/**
 * Joins two duplexes both ways with Node's own backpressure (`pipe` pauses a side whose peer is
 * full), keeps half-closes, counts bytes, and tears both down if either fails.
 */
import type { Duplex } from 'node:stream';

export interface SpliceResult {
  /** Bytes from `client` to `server`. */
  readonly bytesOut: number;
  /** Bytes from `server` to `client`. */
  readonly bytesIn: number;
  readonly error: Error | undefined;
}

export function splice(client: Duplex, server: Duplex): Promise<SpliceResult> {
  let bytesOut = 0;
  let bytesIn = 0;
  let error: Error | undefined;
  client.on('data', (c: Buffer) => (bytesOut += c.byteLength));
  server.on('data', (c: Buffer) => (bytesIn += c.byteLength));
  return new Promise((resolve) => {
    let open = 2;
    const closed = (): void => {
      if (--open === 0) resolve({ bytesOut, bytesIn, error });
    };
    const fail = (e: Error): void => {
      error ??= e;
      client.destroy();
      server.destroy();
    };
    for (const side of [client, server]) {
      side.once('error', fail);
      side.once('close', closed);
    }
    client.pipe(server);
    server.pipe(client);
  });
}
