import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '@wisp/testkit';
import { MeshMetrics } from './mesh-metrics.ts';
import { emptyMeshState } from './mesh-state.ts';
import { createMeshOutgoingPolicy } from './outgoing-policy.ts';
import { OutgoingPool } from './outgoing-pool.ts';
import type { MeshEndpoint, MeshService } from './service-table.ts';
import { settle } from './test-fixtures.ts';

type MeshView = Parameters<typeof createMeshOutgoingPolicy>[0];

/**
 * A pod that closes every kept connection as the next request arrives on it, without an
 * answer: the race between a server's idle close and a request leaving on that connection.
 */
async function closingOnReuse(): Promise<http.Server> {
  const answered = new WeakSet<object>();
  const server = http.createServer((req, res) => {
    if (answered.has(req.socket)) {
      req.socket.destroy();
      return;
    }
    answered.add(req.socket);
    res.end(`${req.method} answered`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

describe('the outgoing policy over kept connections', () => {
  let server: http.Server;
  let mesh: MeshView;
  let opened = 0;
  /** Tries per request, as MeshConnector.withEndpoint does: up to three, on rejection. */
  let attempts = 0;

  before(async () => {
    server = await closingOnReuse();
    const { port } = server.address() as AddressInfo;
    const service = { key: 'default/hello' } as MeshService;
    const endpoint: MeshEndpoint = { ip: '10.42.2.2', port, nodeName: 'n2', podName: 'hello' };
    const pool = new OutgoingPool(
      {},
      {
        clock: new FakeClock(),
        connect: async () => {
          const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
          await once(socket, 'connect');
          opened++;
          return socket;
        },
      },
    );
    mesh = {
      resolve: () => ({ kind: 'service', service, port: { name: 'http' } }),
      withEndpoint: async <T>(
        _key: string,
        _port: string,
        _source: unknown,
        attempt: (s: MeshService, e: MeshEndpoint) => Promise<T>,
      ) => {
        let last: unknown;
        for (let i = 0; i < 3; i++) {
          attempts++;
          try {
            return await attempt(service, endpoint);
          } catch (e) {
            last = e;
          }
        }
        throw last;
      },
      outgoing: pool,
      state: () => emptyMeshState,
      metrics: new MeshMetrics(),
    } as unknown as MeshView;
  });

  after(async () => {
    mesh.outgoing.destroy();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  const request = (method: string) => ({
    method,
    url: 'http://hello/',
    headers: [] as [string, string][],
    body: new Uint8Array(),
  });

  it('sends a GET again on a new connection when a kept one closes under it', async () => {
    const outgoing = createMeshOutgoingPolicy(mesh, {
      namespace: 'default',
      name: 'c',
      ip: '10.42.1.5',
    });
    const first = await outgoing(request('GET'));
    assert.equal(Buffer.from(first.body).toString(), 'GET answered');
    await settle();
    const before = opened;
    const again = await outgoing(request('GET'));
    assert.equal(Buffer.from(again.body).toString(), 'GET answered');
    assert.equal(opened, before + 1, 'the kept connection failed it; a new one answered');
    assert.equal(mesh.metrics.snapshot('default/hello')?.requests, 2);
  });

  it('does not send a POST twice: its failure on a kept connection is the answer', async () => {
    const outgoing = createMeshOutgoingPolicy(mesh, {
      namespace: 'default',
      name: 'c',
      ip: '10.42.1.5',
    });
    mesh.outgoing.flush(); // the GET's answering connection would fail this first POST
    await outgoing(request('POST'));
    await settle();
    await assert.rejects(outgoing(request('POST')), /socket hang up|ECONNRESET/);
    assert.equal(mesh.metrics.snapshot('default/hello')?.errors.get('http'), 1);
  });

  it('ends a request its caller aborted before it had a connection, trying no other endpoint', async () => {
    const outgoing = createMeshOutgoingPolicy(mesh, {
      namespace: 'default',
      name: 'c',
      ip: '10.42.1.5',
    });
    mesh.outgoing.flush(); // no kept connection: the abort comes while one is being opened
    const before = attempts;
    const caller = new AbortController();
    const asked = outgoing(request('GET'), { signal: caller.signal });
    caller.abort();
    await assert.rejects(asked, /abort/i);
    assert.equal(attempts - before, 1);
  });
});
