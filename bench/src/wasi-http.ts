/**
 * bench/wasi-http: requests per second and latency for the hello-http example component served
 * by runtime-wasm's http service (a pool of reused instances), against `jco serve
 * --isolate-requests instance` (a fresh instance per request, as jco serves reliably under
 * concurrency) and a bare node:http server answering the same text, in the same run. Loopback
 * only; the client runs in a worker thread with keep-alive. Target: >= 10 x jco serve.
 *
 *   npm run bench:wasi-http -- --count 2000 --jco-count 200 --concurrency 8 --pool 2
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '@wisp/core';
import { createTranspileCache } from '@wisp/runtime-wasm/host/transpile-cache.ts';
import { startHttpService } from '@wisp/runtime-wasm/http/http-service.ts';
import { ensureExamples } from '@wisp/testkit/wasm-fixtures.ts';
import { REPO_ROOT } from '@wisp/testkit/wasm-toolchain.ts';
import { percentile } from './stats.ts';
import { getOnce } from './wasm-http-client.ts';
import { runHttpLoad, type HttpLoadResult } from './wasm-http-load.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    'jco-count': { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    pool: { type: 'string', default: '2' },
  },
});
const count = Number(values.count);
const jcoCount = Number(values['jco-count']);
const concurrency = Number(values.concurrency);
const poolSize = Number(values.pool);
const host = '127.0.0.1';
const clock = systemClock();
const jcoReadyMs = 60_000;
const warmupCount = 20;
const work = mkdtempSync(join(tmpdir(), 'wisp-bench-wasi-http-'));

interface Row {
  readonly name: string;
  readonly result: HttpLoadResult;
  readonly count: number;
}

const rate = (r: Row) => r.result.latenciesMs.length / r.result.seconds;

async function load(name: string, port: number, n: number): Promise<Row> {
  await runHttpLoad({ host, port, path: '/', count: Math.min(n, warmupCount), concurrency });
  const result = await runHttpLoad({ host, port, path: '/', count: n, concurrency });
  return { name, result, count: n };
}

async function bareNode(): Promise<Row> {
  let counter = 0;
  const server: Server = createServer((req, res) => {
    counter += 1;
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`hello from bench #${counter}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  try {
    return await load('bare node:http', (server.address() as AddressInfo).port, count);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function ours(componentDir: string): Promise<Row> {
  const discard = () => {};
  const svc = await startHttpService(
    {
      componentDir,
      args: ['hello-http'],
      env: [['POD_NAME', 'bench']],
      preopens: [],
      memoryBytesMax: 128 * 1024 * 1024,
      stdout: discard,
      stderr: discard,
      host,
      port: 0,
      poolSize,
    },
    { clock },
  );
  try {
    return await load(`wisp http service (pool ${poolSize})`, svc.address.port, count);
  } finally {
    await svc.kill();
  }
}

/** A free loopback port for jco serve, which cannot report the one it picked. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, host, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function jcoServe(componentPath: string): Promise<Row> {
  const port = await freePort();
  const jco = join(REPO_ROOT, 'node_modules/@bytecodealliance/jco/dist/jco.js');
  const args = [jco, 'serve', componentPath, '--isolate-requests', 'instance'];
  args.push('--port', String(port), '--host', host, '--jco-dir', join(work, 'jco-serve'));
  // Its own process group, so the runner it starts is stopped with it.
  const child: ChildProcess = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, POD_NAME: 'bench' },
  });
  try {
    await waitReady(port, child);
    return await load('jco serve --isolate-requests instance', port, jcoCount);
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
  }
}

async function waitReady(port: number, child: ChildProcess): Promise<void> {
  const deadline = clock.monotonic() + jcoReadyMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jco serve exited with ${child.exitCode}`);
    try {
      await getOnce(host, port);
      return;
    } catch (e) {
      if (clock.monotonic() > deadline) throw new Error('jco serve not ready', { cause: e });
      await clock.sleep(100);
    }
  }
}

function report(rows: readonly Row[]): void {
  for (const r of rows) {
    const ms = (q: number) => percentile(r.result.latenciesMs, q).toFixed(1).padStart(7);
    const why = r.result.firstError ? ` (first: ${r.result.firstError})` : '';
    console.log(
      `${r.name.padEnd(40)} ${rate(r).toFixed(0).padStart(6)} req/s  p50 ${ms(50)}  p99 ${ms(99)}` +
        ` ms  n=${r.count} failures=${r.result.failures}${why}`,
    );
  }
}

const examples = await ensureExamples();
const hello = examples.find((e) => e.name === 'hello-http');
if (!hello) throw new Error('the hello-http example was not built');
const { dir } = await createTranspileCache({ cacheDir: join(work, 'transpiled') }).prepare(
  hello.digest,
  hello.path,
);

console.log(`bench/wasi-http  concurrency=${concurrency} (GET /, loopback, keep-alive)`);
try {
  const bare = await bareNode();
  const wisp = await ours(dir);
  const jco = await jcoServe(hello.path);
  report([bare, wisp, jco]);
  console.log(`ratio wisp / jco serve : ${(rate(wisp) / rate(jco)).toFixed(1)}  (target >= 10)`);
  console.log(`ratio wisp / bare node : ${(rate(wisp) / rate(bare)).toFixed(3)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
