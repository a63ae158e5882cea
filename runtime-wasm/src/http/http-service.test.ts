import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '@wisp/core';
import { createModuleCache } from '../host/module-cache.ts';
import { createSpareWorkers } from '../host/spare-workers.ts';
import {
  startHttpService,
  type HttpService,
  type HttpServiceDeps,
  type HttpServiceSpec,
} from './http-service.ts';
import type { OutgoingHttpRequest, OutgoingPolicy } from './outgoing-policy.ts';
import { echoComponent, type EchoComponent } from './testdata/echo-component.ts';

const clock = systemClock();
// Compiling the 13 MB core module once for the whole file keeps each test's start short.
const modules = createModuleCache();
let component: EchoComponent;
const running: HttpService[] = [];

async function start(spec: Partial<HttpServiceSpec> = {}, deps: Partial<HttpServiceDeps> = {}) {
  const svc = await startHttpService(
    {
      componentDir: component.componentDir,
      args: ['echo'],
      env: [],
      preopens: [],
      memoryBytesMax: 256 * 1024 * 1024,
      stdout: () => {},
      stderr: () => {},
      host: '127.0.0.1',
      port: 0,
      poolSize: 2,
      ...spec,
    },
    { clock, modules, ...deps },
  );
  running.push(svc);
  const base = `http://127.0.0.1:${svc.address.port}`;
  return { svc, base };
}

describe('http service (real componentize-js component)', { timeout: 300_000 }, () => {
  before(async () => {
    component = await echoComponent();
  });
  after(async () => {
    await Promise.all(running.map((s) => s.kill()));
  });

  it('answers a GET with the body and headers the guest wrote', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/hello`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain');
    assert.equal(await res.text(), 'hello from wasm');
  });

  it('round-trips request headers, method, path and status', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/headers?a=1`, {
      method: 'PUT',
      headers: { 'X-One': 'first', 'x-two': 'second value' },
    });
    assert.equal(res.status, 203);
    assert.equal(res.headers.get('x-one'), 'first');
    assert.equal(res.headers.get('x-two'), 'second value');
    assert.deepEqual(await res.json(), { method: 'put', path: '/headers?a=1' });
  });

  it('echoes a POST body, binary and larger than one stream read', async () => {
    const { base } = await start();
    const body = new Uint8Array(200_000).map((_, i) => (i * 7) % 256);
    const res = await fetch(`${base}/echo`, { method: 'POST', body });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-method'), 'post');
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), body);
  });

  it('sends a body the guest wrote in several chunks', async () => {
    const { base } = await start();
    assert.equal(await (await fetch(`${base}/stream`)).text(), 'one,two,three');
  });

  it('serves 50 concurrent requests with pooled instances reused, not rebuilt', async () => {
    const { svc, base } = await start({ poolSize: 4 });
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${base}/count`).then(async (r) => [r.status, Number(await r.text())]),
      ),
    );
    assert.ok(replies.every(([status]) => status === 200));
    const stats = svc.stats();
    assert.equal(stats.instantiations, 4);
    assert.equal(stats.restarts, 0);
    assert.equal(stats.served, 50);
    // Each instance counts the requests it served: with 4 instances some count reaches ≥ 13.
    assert.ok(Math.max(...replies.map(([, n]) => n!)) >= 13);
  });

  it('answers 504 within deadline + 100 ms for a looping handler, then serves again', async () => {
    const { svc, base } = await start({ poolSize: 1, deadlineMs: 300 });
    const t0 = clock.monotonic();
    const res = await fetch(`${base}/loop`);
    const elapsed = clock.monotonic() - t0;
    assert.equal(res.status, 504);
    assert.ok(elapsed < 300 + 100, `took ${elapsed} ms`);
    const next = await fetch(`${base}/hello`);
    assert.equal(next.status, 200);
    assert.equal(await next.text(), 'hello from wasm');
    assert.equal(svc.stats().restarts, 1);
    assert.equal(svc.stats().timedOut, 1);
  });

  it('answers 500 for a trapping handler and replaces the instance', async () => {
    const { svc, base } = await start({ poolSize: 1 });
    assert.equal((await fetch(`${base}/trap`)).status, 500);
    assert.equal((await fetch(`${base}/hello`)).status, 200);
    assert.equal(svc.stats().instantiations, 2);
  });

  it('denies outgoing requests by default; the guest sees HTTP-request-denied', async () => {
    const { base } = await start();
    const res = await fetch(`${base}/fetch?url=${encodeURIComponent('http://example.com/x')}`);
    assert.equal(res.status, 502);
    assert.equal(await res.text(), 'error:HTTP-request-denied');
  });

  it('passes an allowed outgoing request to the policy and its response to the guest', async () => {
    const seen: OutgoingHttpRequest[] = [];
    const outgoing: OutgoingPolicy = async (req) => {
      seen.push(req);
      return {
        status: 201,
        headers: [['x-from-policy', 'yes']],
        body: new TextEncoder().encode('pong'),
      };
    };
    const { base } = await start({ outgoing });
    const target = 'http://api.default.svc.cluster.local:8080/v1/ping?x=1';
    const res = await fetch(`${base}/fetch?method=POST&url=${encodeURIComponent(target)}`);
    assert.equal(await res.text(), 'status=201 header=yes body=pong');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.method, 'POST');
    assert.equal(seen[0]!.url, target);
    assert.deepEqual(seen[0]!.headers, [['x-from-guest', 'yes']]);
    assert.equal(new TextDecoder().decode(seen[0]!.body), 'ping from guest');
  });

  it('times out a slow policy and the guest sees HTTP-response-timeout', async () => {
    const outgoing: OutgoingPolicy = (_req, opts) =>
      new Promise((_resolve, reject) =>
        opts?.signal.addEventListener('abort', () => reject(opts.signal.reason)),
      );
    const { base } = await start({ outgoing, limits: { outgoingTimeoutMs: 100 } });
    const res = await fetch(`${base}/fetch?url=${encodeURIComponent('http://slow.example/')}`);
    assert.equal(await res.text(), 'error:HTTP-response-timeout');
  });

  it('refuses a request body over its cap with 413', async () => {
    const { base } = await start({ limits: { requestBodyBytesMax: 1000 } });
    const res = await fetch(`${base}/echo`, { method: 'POST', body: new Uint8Array(1001) });
    assert.equal(res.status, 413);
  });

  it('turns requests away with 503 when the queue is full', async () => {
    const { base } = await start({ poolSize: 1, deadlineMs: 400, limits: { queueDepthMax: 0 } });
    const looping = fetch(`${base}/loop`);
    // The loop occupies the only instance once its request has been dispatched.
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${base}/hello`);
      if (res.status === 503) break;
      assert.equal(res.status, 200);
    }
    assert.equal((await fetch(`${base}/hello`)).status, 503);
    assert.equal((await looping).status, 504);
  });

  it('drains: in-flight requests finish, then the service exits Completed', async () => {
    const { svc, base } = await start({ poolSize: 1 });
    const inFlight = fetch(`${base}/echo`, { method: 'POST', body: 'last one' });
    await new Promise<void>((resolve) => {
      const check = (): void =>
        svc.stats().inFlight > 0 || svc.stats().served > 0 ? resolve() : void setImmediate(check);
      check();
    });
    await svc.drain(5_000);
    assert.equal(await (await inFlight).text(), 'last one');
    assert.deepEqual(await svc.exited, { exitCode: 0, reason: 'Completed' });
    await assert.rejects(fetch(`${base}/hello`));
  });

  it('exits on its own when no instance can start', async () => {
    const { svc } = await start({ poolSize: 2, componentDir: '/nonexistent/component-dir' });
    const exit = await svc.exited;
    assert.equal(exit.reason, 'Error');
    assert.equal(svc.stats().instantiations, 0);
  });

  describe('on spare threads', () => {
    const spares = createSpareWorkers({}, { clock });
    after(() => spares.close());

    it('serves from a spare and replaces a trapped instance from the next one', async () => {
      const { svc, base } = await start({ poolSize: 1 }, { spares });
      await spares.settled();
      assert.equal((await fetch(`${base}/trap`)).status, 500);
      assert.equal((await fetch(`${base}/hello`)).status, 200);
      assert.equal(svc.stats().instantiations, 2);
      assert.equal(spares.stats.hits, 1, 'the replacement ran on the spare started meanwhile');
    });

    it('still answers 504 within deadline + 100 ms for a looping handler', async () => {
      const { base } = await start({ poolSize: 1, deadlineMs: 300 }, { spares });
      const t0 = clock.monotonic();
      const res = await fetch(`${base}/loop`);
      const elapsed = clock.monotonic() - t0;
      assert.equal(res.status, 504);
      assert.ok(elapsed < 300 + 100, `took ${elapsed} ms`);
    });
  });

  it('exits OOMKilled when the memory limit is below what the component needs', async () => {
    const { svc } = await start({ poolSize: 2, memoryBytesMax: 1024 * 1024 });
    const exit = await svc.exited;
    assert.equal(exit.reason, 'OOMKilled');
    assert.equal(exit.exitCode, 137);
  });
});
