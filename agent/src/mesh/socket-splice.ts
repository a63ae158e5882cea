/**
 * Joins a client socket to its upstream both ways, keeping half-closes, counting bytes, and
 * tearing both down if either fails. Two sockets are joined with Node's `pipe`. A tunnel is
 * joined directly, chunk for chunk, with the stream's own backpressure (`send` → false pauses
 * the socket until `onDrain`; a full socket pauses the stream until 'drain'): on
 * bench/mesh-overhead a Duplex and `pipe` in between cost a tenth of a cross-node request.
 */
import type { Duplex } from 'node:stream';
import { Tunnel, type Upstream } from './tunnel.ts';

export interface SpliceResult {
  /** Bytes from the client to the upstream. */
  readonly bytesOut: number;
  /** Bytes from the upstream to the client. */
  readonly bytesIn: number;
  readonly error: Error | undefined;
}

export function spliceUpstream(client: Duplex, upstream: Upstream): Promise<SpliceResult> {
  return upstream instanceof Tunnel ? spliceTunnel(client, upstream) : splice(client, upstream);
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

/** Done once the socket closed and the stream's reads ended (either may come first). */
export function spliceTunnel(socket: Duplex, tunnel: Tunnel): Promise<SpliceResult> {
  const { stream } = tunnel;
  let bytesOut = 0;
  let bytesIn = 0;
  let error: Error | undefined;
  let streamEnded = false;
  let socketClosed = false;
  /** The stream is paused because the socket's buffer is full. */
  let held = false;
  return new Promise((resolve) => {
    const settle = (): void => {
      if (streamEnded && socketClosed) resolve({ bytesOut, bytesIn, error });
    };
    const fail = (e: unknown): void => {
      // Aborting ends the stream's reads with the error, which lands here again.
      if (error) return;
      error = e instanceof Error ? e : new Error(String(e));
      stream.abort(error);
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      bytesOut += chunk.byteLength;
      let room: boolean;
      try {
        room = stream.send(chunk);
      } catch (e) {
        fail(e);
        return;
      }
      if (!room) {
        socket.pause();
        stream.onDrain().then(() => socket.resume(), fail);
      }
    });
    socket.once('end', () => void stream.close().catch(fail));
    socket.once('error', fail);
    socket.on('drain', () => {
      if (!held) return;
      held = false;
      stream.resume();
    });
    socket.once('close', () => {
      socketClosed = true;
      // Nothing can reach the client any more: the stream goes too.
      if (!streamEnded) stream.abort(error ?? new Error('client socket closed'));
      settle();
    });
    const sink = {
      data(chunk: Uint8Array): void {
        bytesIn += chunk.byteLength;
        if (!socket.write(chunk) && !held) {
          held = true;
          stream.pause();
        }
      },
      end(e?: Error): void {
        streamEnded = true;
        if (e) fail(e);
        else socket.end();
        settle();
      },
    };
    tunnel.read(sink, () => held);
    socket.resume();
  });
}
