import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@wisp/core';
import {
  runCommand,
  workerResourceLimits,
  type InstanceSpec,
  type RunCommandDeps,
} from './instance.ts';
import { createModuleCache } from './module-cache.ts';
import { createSpareWorkers } from './spare-workers.ts';
import { createTranspileCache, jcoTranspile } from './transpile-cache.ts';

const repo = new URL('../../../', import.meta.url).pathname;
const jco = join(repo, 'node_modules/.bin/jco');
const testdata = (name: string): string => new URL(`./testdata/${name}`, import.meta.url).pathname;
const probeSource = testdata('probe.c');
const hasClang = (() => {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
    return existsSync('/usr/lib/wasm32-wasi/libc.a');
  } catch {
    return false;
  }
})();
const skip =
  !hasClang && process.env.CI !== 'true'
    ? 'needs the Debian packages clang, lld, wasi-libc, libclang-rt-14-dev-wasm32'
    : false;

const clock = systemClock();
const text = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString('utf8');

describe('runCommand', { skip }, () => {
  let work: string;
  let componentDir: string;
  let dataDir: string;
  let transpiles = 0;
  let cache: ReturnType<typeof createTranspileCache>;
  let componentPath: string;
  let digest: string;
  let exiterDir: string;
  let transpileMs: number | undefined;
  const modules = createModuleCache();

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'wisp-host-'));
    const core = join(work, 'probe.core.wasm');
    componentPath = join(work, 'probe.wasm');
    execFileSync('clang', [
      '--target=wasm32-wasi',
      '--sysroot=/usr',
      '-O2',
      '-Wl,--strip-all',
      probeSource,
      '-o',
      core,
    ]);
    execFileSync(jco, ['new', core, '--wasi-command', '-o', componentPath]);
    digest = 'sha256:' + createHash('sha256').update(readFileSync(componentPath)).digest('hex');
    cache = createTranspileCache(
      { cacheDir: join(work, 'cache') },
      {
        clock,
        transpile: (p) => {
          transpiles++;
          return jcoTranspile(p);
        },
      },
    );
    const prepared = await cache.prepare(digest, componentPath);
    assert.equal(prepared.world, 'cli');
    transpileMs = prepared.transpileMs;
    componentDir = prepared.dir;
    exiterDir = await buildExiter();
    dataDir = join(work, 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'hello.txt'), 'file contents\n');
    symlinkSync('/etc/passwd', join(dataDir, 'escape'));
  });

  /** A WAT component that calls wasi:cli/exit#exit-with-code(3). */
  async function buildExiter(): Promise<string> {
    const core = join(work, 'exiter.core.wasm');
    const embedded = join(work, 'exiter.embed.wasm');
    const component = join(work, 'exiter.wasm');
    execFileSync(jco, ['parse', testdata('exiter.wat'), '-o', core]);
    execFileSync(jco, [
      'embed',
      core,
      '--wit',
      testdata('exit-wit'),
      '-n',
      'exiter',
      '-o',
      embedded,
    ]);
    execFileSync(jco, ['new', embedded, '-o', component]);
    const hex = createHash('sha256').update(readFileSync(component)).digest('hex');
    return (await cache.prepare(`sha256:${hex}`, component)).dir;
  }

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function run(
    args: string[],
    more: Partial<InstanceSpec> = {},
    deps: Partial<RunCommandDeps> = {},
  ) {
    const stdout: Uint8Array[] = [];
    const stderr: Uint8Array[] = [];
    const started = clock.monotonic();
    let guestStarted: number | undefined;
    const running = runCommand(
      {
        componentDir,
        world: 'cli',
        args: ['probe', ...args],
        env: [],
        preopens: [],
        memoryBytesMax: 64 * 1024 * 1024,
        stdout: (c) => stdout.push(c),
        stderr: (c) => stderr.push(c),
        ...more,
      },
      { clock, modules: more.memoryBytesMax === 1 ? undefined : modules, ...deps },
    );
    void running.started.then(() => (guestStarted = clock.monotonic()));
    const exit = await running.exited;
    const now = clock.monotonic();
    const out = { exit, stdout: text(stdout), stderr: text(stderr), ms: now - started };
    return { ...out, runMs: guestStarted === undefined ? undefined : now - guestStarted };
  }

  it('reuses the transpiled component for the same digest without transpiling again', async (t) => {
    t.diagnostic(`first transpile of the probe took ${transpileMs?.toFixed(0)} ms`);
    const again = await cache.prepare(digest, componentPath);
    assert.equal(again.dir, componentDir);
    assert.equal(again.transpileMs, undefined);
    assert.equal(transpiles, 2); // the probe and the exiter, once each
  });

  it('prints to the stdout sink and completes with 0', async (t) => {
    const cold = await run(['hello']);
    assert.deepEqual(cold.exit, { exitCode: 0, reason: 'Completed' });
    assert.equal(cold.stdout, 'hello from wasm\n');
    const warm = await run(['hello']);
    assert.equal(warm.stdout, 'hello from wasm\n');
    t.diagnostic(`hello: first run ${cold.ms.toFixed(1)} ms, warm ${warm.ms.toFixed(1)} ms`);
  });

  it('passes the exit code the guest gives to exit-with-code', async () => {
    const { exit } = await run([], { componentDir: exiterDir });
    assert.deepEqual(exit, { exitCode: 3, reason: 'Error' });
  });

  it('ends with 1 when a preview1 guest exits non-zero (the adapter only says ok or err)', async () => {
    const { exit } = await run(['exit', '3']);
    assert.deepEqual(exit, { exitCode: 1, reason: 'Error' });
  });

  it('shows the guest exactly the spec env and not the parent process env', async () => {
    process.env.WISP_HOST_SECRET = 'leak';
    try {
      const { stdout } = await run(['env'], {
        env: [
          ['GREETING', 'hi there'],
          ['EMPTY', ''],
        ],
      });
      assert.equal(stdout, 'GREETING=hi there\nEMPTY=\n');
    } finally {
      delete process.env.WISP_HOST_SECRET;
    }
  });

  it('passes the spec args with argv[0] first', async () => {
    const { stdout } = await run(['args', 'two words']);
    assert.equal(stdout, 'probe\nargs\ntwo words\n');
  });

  it('reads a file from a preopened directory', async () => {
    const preopens = [{ guestPath: '/data', hostPath: dataDir, readOnly: true }];
    const { exit, stdout } = await run(['cat', '/data/hello.txt'], { preopens });
    assert.equal(exit.exitCode, 0);
    assert.equal(stdout, 'file contents\n');
  });

  for (const path of [
    '/data/../../etc/passwd',
    '../../etc/passwd',
    '/etc/passwd',
    '/data/escape',
  ]) {
    it(`refuses to read ${path} outside the preopens`, async () => {
      const preopens = [{ guestPath: '/data', hostPath: dataDir, readOnly: false }];
      const { exit, stdout, stderr } = await run(['cat', path], { preopens });
      assert.equal(exit.exitCode, 1, stderr);
      assert.match(stderr, /not permitted|capabilities insufficient/i);
      assert.doesNotMatch(stdout, /root:/);
    });
  }

  it('refuses writes to a read-only preopen', async () => {
    const preopens = [{ guestPath: '/data', hostPath: dataDir, readOnly: true }];
    const { exit, stderr } = await run(['put', '/data/new.txt', 'x'], { preopens });
    assert.equal(exit.exitCode, 1);
    assert.match(stderr, /read-only/i);
    assert.equal(existsSync(join(dataDir, 'new.txt')), false);
  });

  it('writes to a writable preopen', async () => {
    const preopens = [{ guestPath: '/data', hostPath: dataDir, readOnly: false }];
    const { exit } = await run(['put', '/data/out.txt', 'written'], { preopens });
    assert.equal(exit.exitCode, 0);
    assert.equal(readFileSync(join(dataDir, 'out.txt'), 'utf8'), 'written');
  });

  it('ends a guest that traps with 1 and the trap on stderr', async () => {
    const { exit, stderr } = await run(['trap']);
    assert.equal(exit.exitCode, 1);
    assert.equal(exit.reason, 'Error');
    assert.match(stderr, /unreachable/);
  });

  it('kills a memory bomb at its linear-memory cap as OOMKilled', async (t) => {
    const capBytes = 32 * 1024 * 1024;
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 2);
    try {
      const { exit } = await run(['bomb'], { memoryBytesMax: capBytes });
      assert.equal(exit.reason, 'OOMKilled');
      assert.equal(exit.exitCode, 137);
    } finally {
      clearInterval(sampler);
    }
    const slackBytes = 96 * 1024 * 1024; // a worker's own heap and code
    const grewMiB = (peak - before) / 1024 / 1024;
    t.diagnostic(`rss grew by at most ${grewMiB.toFixed(0)} MiB under a 32 MiB cap`);
    assert.ok(peak - before < capBytes + slackBytes, `rss grew by ${grewMiB} MiB`);
  });

  it('ends an endless loop past its deadline within 100 ms', async (t) => {
    const deadlineMs = 300;
    const { exit, runMs } = await run(['loop'], { deadlineMs });
    assert.deepEqual(exit, { exitCode: 137, reason: 'DeadlineExceeded' });
    // The deadline counts from the thread's start (before instantiation), not from run().
    assert.ok(runMs !== undefined && runMs < deadlineMs + 100, `ran ${runMs} ms`);
    t.diagnostic(`loop ended ${runMs?.toFixed(1)} ms after run() (deadline ${deadlineMs} ms)`);
  });

  describe('on spare threads', () => {
    const spares = createSpareWorkers({}, { clock });
    after(() => spares.close());
    const onSpare = async (args: string[], more: Partial<InstanceSpec> = {}) => {
      // A spare for this memory cap exists only once one was asked for; let it finish loading.
      spares.prestart(workerResourceLimits(more.memoryBytesMax ?? 64 * 1024 * 1024));
      await spares.settled();
      const hitsBefore = spares.stats.hits;
      const result = await run(args, more, { spares });
      assert.equal(spares.stats.hits, hitsBefore + 1, 'the instance ran on a spare thread');
      return result;
    };

    it('runs instances one after another, each on a thread of its own', async () => {
      for (const word of ['one', 'two']) {
        const { exit, stdout } = await onSpare(['args', word]);
        assert.deepEqual(exit, { exitCode: 0, reason: 'Completed' });
        assert.equal(stdout, `probe\nargs\n${word}\n`);
      }
    });

    it('still ends an endless loop at its deadline', async () => {
      const deadlineMs = 200;
      const { exit, ms } = await onSpare(['loop'], { deadlineMs });
      assert.deepEqual(exit, { exitCode: 137, reason: 'DeadlineExceeded' });
      assert.ok(ms >= deadlineMs && ms < deadlineMs + 100, `took ${ms} ms`);
    });

    it('still ends a loop past its CPU budget', async () => {
      const { exit } = await onSpare(['loop'], { cpuMsMax: 100, deadlineMs: 10_000 });
      assert.deepEqual(exit, { exitCode: 137, reason: 'DeadlineExceeded' });
    });

    it('still kills a memory bomb at its cap as OOMKilled', async () => {
      const { exit } = await onSpare(['bomb'], { memoryBytesMax: 32 * 1024 * 1024 });
      assert.equal(exit.reason, 'OOMKilled');
      assert.equal(exit.exitCode, 137);
    });
  });

  it('kills a running instance on request', async () => {
    const running = runCommand(
      {
        componentDir,
        world: 'cli',
        args: ['probe', 'loop'],
        env: [],
        preopens: [],
        memoryBytesMax: 16 * 1024 * 1024,
        stdout: () => {},
        stderr: () => {},
      },
      { clock, modules },
    );
    assert.equal(await running.started, true);
    await running.kill();
    assert.deepEqual(await running.exited, { exitCode: 137, reason: 'Killed' });
  });
});
