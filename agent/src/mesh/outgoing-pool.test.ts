import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '@wisp/testkit';
import { OutgoingPool, type PoolTarget } from './outgoing-pool.ts';
import { settle } from './test-fixtures.ts';

/** A loopback server standing in for a pod, and a pool whose connections all go to it. */
async function fixture(onRequest?: http.RequestListener) {
  const server = http.createServer(
    onRequest ?? ((req, res) => res.end(`${req.method} ${req.url}`)),
  );
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const clock = new FakeClock();
  const opened: net.Socket[] = [];
  const pool = new OutgoingPool(
    { idleMs: 4_000 },
    {
      clock,
      connect: async () => {
        const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
        await once(socket, 'connect');
        opened.push(socket);
        return socket;
      },
    },
  );
  return { server, clock, pool, opened };
}

function target(ip: string): PoolTarget {
  return {
    source: { ip: '10.42.1.5', namespace: 'default', pod: 'client' },
    serviceKey: 'default/hello',
    endpoint: { ip, port: 8080, nodeName: 'n2', podName: 'hello' },
  };
}

function get(pool: OutgoingPool, to: PoolTarget, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ ...pool.requestOptions(to), agent: pool, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('OutgoingPool', () => {
  let f: Awaited<ReturnType<typeof fixture>>;
  beforeEach(async () => {
    f = await fixture();
  });
  /** The one kept connection is still idle `ms - 1` ms from now, and closed at `ms`. */
  async function closesIdleAfter(ms: number): Promise<void> {
    await settle();
    assert.equal(f.pool.idleCount(), 1);
    f.clock.advance(ms - 1);
    await settle();
    assert.equal(f.pool.idleCount(), 1);
    f.clock.advance(1);
    await settle();
    assert.equal(f.pool.idleCount(), 0);
  }
  afterEach(async () => {
    f.pool.destroy();
    f.server.closeAllConnections();
    f.server.close();
    await once(f.server, 'close');
  });

  it('reuses a kept connection for the next request to the same target, one per target', async () => {
    assert.equal(await get(f.pool, target('10.42.2.2'), '/a'), 'GET /a');
    await settle();
    assert.equal(await get(f.pool, target('10.42.2.2'), '/b'), 'GET /b');
    assert.equal(f.opened.length, 1, 'the second request rode the first connection');
    assert.equal(await get(f.pool, target('10.42.2.3')), 'GET /');
    assert.equal(f.opened.length, 2, 'another endpoint gets a connection of its own');
    const otherPod = { ...target('10.42.2.2'), source: { ip: '10.42.1.6', namespace: 'x' } };
    await get(f.pool, otherPod);
    assert.equal(f.opened.length, 3, 'another calling pod is another NetworkPolicy source');
  });

  it('closes an idle connection after idleMs', async () => {
    await get(f.pool, target('10.42.2.2'));
    await closesIdleAfter(4_000);
    assert.ok(f.opened[0].destroyed);
  });

  it("closes it a second before the server's own Keep-Alive timeout when that is sooner", async () => {
    f.server.keepAliveTimeout = 3_000; // answers carry `Keep-Alive: timeout=3`
    await get(f.pool, target('10.42.2.2'));
    await closesIdleAfter(2_000);
  });

  it('drops a kept connection the server ended, so the next request opens another', async () => {
    await get(f.pool, target('10.42.2.2'));
    await settle();
    f.server.closeIdleConnections();
    await once(f.opened[0], 'close');
    assert.equal(f.pool.idleCount(), 0);
    assert.equal(await get(f.pool, target('10.42.2.2')), 'GET /');
    assert.equal(f.opened.length, 2);
  });

  it('flush closes idle connections and keeps no busy one after its request', async () => {
    await get(f.pool, target('10.42.2.2'));
    await settle();
    let answer: (() => void) | undefined;
    f.server.removeAllListeners('request');
    f.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url === '/slow') answer = () => res.end('slow');
      else res.end('quick');
    });
    const slow = get(f.pool, target('10.42.2.2'), '/slow'); // rides the kept connection
    while (!answer) await settle();
    await get(f.pool, target('10.42.2.3'));
    await settle();
    assert.equal(f.pool.idleCount(), 1);
    f.pool.flush();
    await settle();
    assert.equal(f.pool.idleCount(), 0, 'the idle one closed');
    answer();
    assert.equal(await slow, 'slow');
    await settle();
    assert.equal(f.pool.idleCount(), 0, 'the busy one was not kept');
    assert.ok(f.opened[0].destroyed);
    assert.equal(await get(f.pool, target('10.42.2.2')), 'quick');
    assert.equal(f.opened.length, 3);
  });

  it('flush keeps the connections whose target still passes', async () => {
    await get(f.pool, target('10.42.2.2'));
    await get(f.pool, target('10.42.2.3'));
    await settle();
    assert.equal(f.pool.idleCount(), 2);
    f.pool.flush((t) => t.endpoint.ip === '10.42.2.3');
    await settle();
    assert.equal(f.pool.idleCount(), 1);
    assert.ok(f.opened[0].destroyed && !f.opened[1].destroyed);
    assert.equal(await get(f.pool, target('10.42.2.3')), 'GET /');
    assert.equal(f.opened.length, 2, 'the kept one carried it');
  });

  it('closes a connection that opens after destroy(), and serves requests made later', async () => {
    const gate: { open?: () => void } = {};
    const gated = new OutgoingPool(
      {},
      {
        clock: f.clock,
        connect: async () => {
          await new Promise<void>((r) => (gate.open = r));
          const { port } = f.server.address() as AddressInfo;
          const socket = net.connect({ host: '127.0.0.1', port });
          await once(socket, 'connect');
          f.opened.push(socket);
          return socket;
        },
      },
    );
    /** Lets the connection being opened finish opening, once one is. */
    const release = async (before?: () => void) => {
      while (!gate.open) await settle();
      const open = gate.open;
      delete gate.open;
      before?.();
      open();
    };
    const early = get(gated, target('10.42.2.2'));
    await release(() => gated.destroy());
    await assert.rejects(early, /closed/);
    await settle();
    assert.ok(f.opened[0].destroyed, 'the late connection was closed');
    const later = get(gated, target('10.42.2.2'));
    await release();
    assert.equal(await later, 'GET /');
    gated.destroy();
  });
});
