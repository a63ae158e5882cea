import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '@wisp/core';
import { networkProbeChecker, probePort } from './probe-check.ts';

const check = networkProbeChecker(systemClock());
let server: Server;
let port = 0;
const seen: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers['x-probe'] ?? ''}`);
    res.statusCode = req.url === '/bad' ? 500 : req.url === '/moved' ? 302 : 200;
    res.end('ok');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((ok) => server.close(() => ok())));

const target = (ports: { name: string; containerPort: number }[] = []) => ({
  host: '127.0.0.1',
  container: { name: 'app', ports },
});

describe('networkProbeChecker', () => {
  it('passes httpGet on 2xx and 3xx with the probe headers, fails on 500 saying so', async () => {
    const get = (path: string) => ({
      httpGet: { path, port, httpHeaders: [{ name: 'X-Probe', value: 'yes' }] },
    });
    assert.deepEqual(await check(get('/'), target(), 1000), { ok: true });
    assert.equal((await check(get('/moved'), target(), 1000)).ok, true);
    const bad = await check(get('/bad'), target(), 1000);
    assert.equal(bad.ok, false);
    assert.match(bad.message ?? '', /statuscode: 500/);
    assert.ok(seen.includes('/ yes'));
  });

  it('resolves a named port through the container ports', async () => {
    const r = await check(
      { httpGet: { path: '/', port: 'web' } },
      target([{ name: 'web', containerPort: port }]),
      1000,
    );
    assert.equal(r.ok, true);
    assert.equal(probePort('nope', { name: 'a' }), undefined);
  });

  it('passes tcpSocket on an accepted connection and fails on a refused one', async () => {
    assert.equal((await check({ tcpSocket: { port } }, target(), 1000)).ok, true);
    const closed = createTcpServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const dead = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    const r = await check({ tcpSocket: { port: dead } }, target(), 1000);
    assert.equal(r.ok, false);
    assert.match(r.message ?? '', /ECONNREFUSED/);
  });

  it('says that exec probes are not supported', async () => {
    const r = await check({ exec: { command: ['true'] } }, target(), 1000);
    assert.deepEqual(r, { ok: false, message: 'probe: only httpGet and tcpSocket are supported' });
  });
});
