/**
 * bench/wasm-start: start-to-ready of the tiny (sensor, a C wasi:cli command, ~26 KB) and the
 * large (hello-http, componentize-js wasi:http, ~14 MB) example components through
 * runtime-wasm's instance API, against instantiating the same transpiled component directly
 * with jco's output and host on the main thread (bench/src/wasm-direct.ts), in the same run.
 *
 * Ready means: cli, `run()` returned (the sensor prints one line and exits); http, the first
 * response to `GET /` arrived. Cold: transpile into an empty cache, compile, start a thread,
 * instantiate. Warm, as the wasm runtime starts pods: the transpiled output and the compiled
 * modules are reused (one module cache for cli and http), and a spare thread is taken (the
 * one taken before has been replaced: `settled()`, untimed). "Back to back" starts the next
 * instance as soon as the last is ready, so each waits for its spare to finish booting.
 * Target: warm <= 3 x direct + 20 ms.
 *
 *   npm run bench:wasm-start -- --warm 20 --cold 2 [--pool 2] 2>/dev/null
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '@wisp/core';
import { runCommand } from '@wisp/runtime-wasm/host/instance.ts';
import { createModuleCache, type ModuleCache } from '@wisp/runtime-wasm/host/module-cache.ts';
import { createSpareWorkers, type SpareWorkers } from '@wisp/runtime-wasm/host/spare-workers.ts';
import { createTranspileCache } from '@wisp/runtime-wasm/host/transpile-cache.ts';
import { startHttpService } from '@wisp/runtime-wasm/http/http-service.ts';
import { ensureExamples } from '@wisp/testkit/wasm-fixtures.ts';
import { percentile } from './stats.ts';
import { getOnce } from './wasm-http-client.ts';
import {
  ShimHTTPServer,
  incomingHandlerExport,
  loadDirect,
  runExport,
  shimImports,
} from './wasm-direct.ts';

const { values } = parseArgs({
  options: {
    warm: { type: 'string', default: '20' },
    cold: { type: 'string', default: '2' },
    // Instances an http start waits for (pods default to 2: wasm-defaults poolSizeDefault).
    pool: { type: 'string', default: '1' },
  },
});
const warmRuns = Number(values.warm);
const coldRuns = Number(values.cold);
const poolSize = Number(values.pool);
const clock = systemClock();
const memoryBytesMax = 128 * 1024 * 1024;
const host = '127.0.0.1';
const env: [string, string][] = [['POD_NAME', 'bench']];
const discard = () => {};
const work = mkdtempSync(join(tmpdir(), 'wisp-bench-wasm-start-'));
let cacheSeq = 0;
const freshCache = () => createTranspileCache({ cacheDir: join(work, `t${cacheSeq++}`) });

interface Subject {
  readonly name: string;
  readonly world: 'cli' | 'http';
  readonly path: string;
  readonly digest: string;
  readonly args: string[];
}

/** What ours keeps between starts: none of it when cold. */
interface Kept {
  readonly modules: ModuleCache;
  readonly spares?: SpareWorkers;
}

/** Ours, cli: runCommand until it exits. */
async function oursCli(dir: string, s: Subject, kept: Kept): Promise<void> {
  const spec = { componentDir: dir, world: 'cli' as const, args: s.args, env, preopens: [] };
  const run = runCommand(
    { ...spec, memoryBytesMax, stdout: discard, stderr: discard },
    { clock, ...kept },
  );
  const exit = await run.exited;
  if (exit.reason !== 'Completed') throw new Error(`${s.name}: ${JSON.stringify(exit)}`);
}

/** Ours, http: startHttpService until the first response. */
async function oursHttp(dir: string, s: Subject, kept: Kept): Promise<void> {
  const svc = await startHttpService(
    {
      componentDir: dir,
      args: s.args,
      env,
      preopens: [],
      memoryBytesMax,
      stdout: discard,
      stderr: discard,
      host,
      port: 0,
      poolSize,
    },
    { clock, ...kept },
  );
  try {
    await getOnce(host, svc.address.port);
  } finally {
    await svc.kill();
  }
}

/** Direct: jco output on the main thread with preview2-shim. */
async function directStart(dir: string, s: Subject, load = loadDirect(dir)): Promise<void> {
  const exports = await (await load).instantiate(shimImports({ args: s.args, env }));
  if (s.world === 'cli') return runExport(exports).run();
  const server = new ShimHTTPServer(incomingHandlerExport(exports));
  server.listen(0, host);
  try {
    await getOnce(host, server.address().port);
  } finally {
    server.stop();
  }
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function measure(s: Subject) {
  const cold = { ours: [] as number[], direct: [] as number[] };
  for (let i = 0; i < coldRuns; i++) {
    cold.ours.push(
      await timed(async () => {
        const { dir } = await freshCache().prepare(s.digest, s.path);
        const kept = { modules: createModuleCache() };
        if (s.world === 'cli') await oursCli(dir, s, kept);
        else await oursHttp(dir, s, kept);
      }),
    );
    cold.direct.push(
      await timed(async () => {
        const { dir } = await freshCache().prepare(s.digest, s.path);
        await directStart(dir, s);
      }),
    );
  }
  const cache = freshCache();
  const { dir } = await cache.prepare(s.digest, s.path);
  const spares = createSpareWorkers({ compileCacheDir: join(work, 'compile') }, { clock });
  const kept = { modules: createModuleCache(), spares };
  const direct = loadDirect(dir);
  const warm = { ours: [] as number[], direct: [] as number[] };
  const burst: number[] = [];
  // One untimed start each, so both sides have compiled and JIT-warmed what they keep.
  const oursOnce = () => (s.world === 'cli' ? oursCli(dir, s, kept) : oursHttp(dir, s, kept));
  try {
    await oursOnce();
    await directStart(dir, s, direct);
    for (let i = 0; i < warmRuns; i++) {
      // As an agent between pod starts: the spare thread taken last time has been replaced.
      await spares.settled();
      warm.ours.push(await timed(() => oursOnce()));
      await spares.settled();
      warm.direct.push(await timed(() => directStart(dir, s, direct)));
    }
    // Starts one right after another: each waits for the spare still booting.
    for (let i = 0; i < warmRuns; i++) burst.push(await timed(() => oursOnce()));
  } finally {
    await spares.close();
  }
  return { cold, warm, burst, spares: spares.stats };
}

function line(label: string, ours: number[], direct: number[], target?: string): string {
  const p = (xs: number[], q: number) => percentile(xs, q).toFixed(1).padStart(7);
  const ratio = percentile(ours, 50) / percentile(direct, 50);
  return (
    `${label.padEnd(22)} ours p50 ${p(ours, 50)} p99 ${p(ours, 99)} ms | ` +
    `direct p50 ${p(direct, 50)} p99 ${p(direct, 99)} ms | ratio ${ratio.toFixed(2)}` +
    (target ?? '')
  );
}

const examples = await ensureExamples();
const subject = (name: string, world: 'cli' | 'http', args: string[]): Subject => {
  const built = examples.find((e) => e.name === name);
  if (!built) throw new Error(`example ${name} was not built`);
  return { name, world, path: built.path, digest: built.digest, args };
};
const subjects = [
  subject('sensor', 'cli', ['sensor', 'bench-1']),
  subject('hello-http', 'http', ['hello-http']),
];

console.log(
  `bench/wasm-start  warm=${warmRuns} cold=${coldRuns} http pool=${poolSize}` +
    '  (ms, start to ready)',
);
try {
  for (const s of subjects) {
    const size = examples.find((e) => e.name === s.name)!.size;
    const r = await measure(s);
    const budget = 3 * percentile(r.warm.direct, 50) + 20;
    const ok = percentile(r.warm.ours, 50) <= budget ? 'ok' : 'MISSED';
    console.log(`${s.name} (${s.world}, ${(size / 1024).toFixed(0)} KiB)`);
    console.log(line('  cold', r.cold.ours, r.cold.direct));
    console.log(
      line('  warm', r.warm.ours, r.warm.direct, `  (target <= ${budget.toFixed(1)}: ${ok})`),
    );
    console.log(line('  warm, back to back', r.burst, r.warm.direct));
    console.log(`  spare threads: ${r.spares.hits} taken, ${r.spares.misses} started on demand`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
