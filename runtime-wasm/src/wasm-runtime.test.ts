/**
 * The wasm runtime's own logic over fake layers (image source, transpiler, engine): what it
 * hands each instance, how http services are bound, how exits map to Kubernetes states. The
 * conformance suite runs here over the fakes and, in wasm-runtime.conformance.test.ts, over the
 * real image store, transpile cache and instances.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ImagePullError, ContainerStartError, type ContainerConfig } from '@wisp/core';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { runtimeConformance } from '@wisp/testkit/runtime-conformance.ts';
import type {
  CommandHandle,
  HttpServiceSpec,
  InstanceEngine,
  InstanceExit,
  InstanceSpec,
} from './runtime/engine.ts';
import { memoryBytesDefault } from './runtime/wasm-defaults.ts';
import { WasmRuntime } from './wasm-runtime.ts';

/** Components by reference: what their instance does, as `world:behaviour`. */
const components: Record<string, string> = {
  'file:///forever.wasm@sha256:01': 'cli:forever',
  'file:///zero.wasm@sha256:02': 'cli:exit:0',
  'file:///one.wasm@sha256:03': 'cli:exit:1',
  'file:///hello.wasm@sha256:04': 'cli:hello',
  'file:///oom.wasm@sha256:05': 'cli:oom',
  'file:///web.wasm@sha256:06': 'http:serve',
};

function fakes(clock: FakeClock) {
  const specs: (InstanceSpec | HttpServiceSpec)[] = [];
  const pulls: string[] = [];
  const images = {
    async pull(ref: string) {
      pulls.push(ref);
      const what = components[ref];
      if (!what) throw new ImagePullError(ref, 'not found');
      return { digest: `sha256:${ref.slice(-2)}`, path: what, size: 1 };
    },
  };
  const transpiler = {
    prepare: async (_digest: string, path: string) => ({
      dir: path,
      world: path.split(':')[0] as 'cli' | 'http',
    }),
  };
  const run = (spec: InstanceSpec): CommandHandle => {
    const behaviour = spec.componentDir.split(':').slice(1).join(':');
    let done!: (e: InstanceExit) => void;
    const exited = new Promise<InstanceExit>((r) => (done = r));
    if (behaviour === 'hello') spec.stdout(new TextEncoder().encode('hello\n'));
    const code = /^exit:(\d+)$/.exec(behaviour)?.[1];
    if (code !== undefined || behaviour === 'hello') {
      const exitCode = Number(code ?? 0);
      clock.setTimeout(() => done({ exitCode, reason: exitCode ? 'Error' : 'Completed' }), 200);
    }
    if (behaviour === 'oom')
      clock.setTimeout(
        () => done({ exitCode: 137, reason: 'OOMKilled', message: 'memory limit' }),
        200,
      );
    return { exited, kill: async () => done({ exitCode: 137, reason: 'Killed' }) };
  };
  const drained: number[] = [];
  const engine: InstanceEngine = {
    runCommand(spec) {
      specs.push(spec);
      return run(spec);
    },
    async startHttpService(spec) {
      specs.push(spec);
      if (spec.port === 1) throw new Error('listen EADDRINUSE');
      const h = run(spec);
      let done!: (e: InstanceExit) => void;
      const exited = new Promise<InstanceExit>((r) => (done = r));
      void h.exited.then(done);
      return {
        address: { host: spec.host, port: spec.port },
        exited,
        async drain(graceMs: number) {
          drained.push(graceMs);
          done({ exitCode: 0, reason: 'Completed' });
        },
        kill: h.kill,
      };
    },
  };
  return { images, transpiler, engine, specs, pulls, drained };
}

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function setup() {
  const clock = new FakeClock();
  const f = fakes(clock);
  const runtime = new WasmRuntime({ killWaitMs: 10 }, { clock, ...f });
  const dir = await mkdtemp(join(tmpdir(), 'wisp-wasm-rt-'));
  dirs.push(dir);
  const config = (name: string, extra: Partial<ContainerConfig> = {}): ContainerConfig => ({
    env: [],
    mounts: [],
    logPath: join(dir, `${name}.log`),
    limits: {},
    ...extra,
  });
  return { clock, runtime, config, ...f };
}

const pod = { uid: 'u1', namespace: 'default', name: 'web-1', podIp: '10.42.3.7' };

describe('WasmRuntime', () => {
  it('gives a cli instance argv, env and mounts from the config and a default memory cap', async () => {
    const { runtime, config, specs } = await setup();
    const sandbox = await runtime.createSandbox(pod);
    await runtime.start(
      sandbox,
      { name: 'job', image: 'file:///zero.wasm@sha256:02', command: ['run'], args: ['--fast'] },
      config('job', {
        env: [{ name: 'A', value: '1' }],
        mounts: [{ containerPath: '/data', hostPath: '/tmp/x', readOnly: true }],
        deadlineMs: 5000,
      }),
    );
    const spec = specs[0];
    assert.deepEqual(spec.args, ['job', 'run', '--fast']);
    assert.deepEqual(spec.env, [['A', '1']]);
    assert.deepEqual(spec.preopens, [{ guestPath: '/data', hostPath: '/tmp/x', readOnly: true }]);
    assert.equal(spec.memoryBytesMax, memoryBytesDefault);
    assert.equal(spec.deadlineMs, 5000);
  });

  it("serves an http component on the pod's loopback address and first containerPort", async () => {
    const { runtime, config, specs } = await setup();
    const sandbox = await runtime.createSandbox({
      ...pod,
      ports: [{ containerName: 'web', containerPort: 8080, protocol: 'TCP' }],
      annotations: { 'wisp.dev/pool-size': '4', 'wisp.dev/request-timeout-seconds': '3' },
    });
    await runtime.start(
      sandbox,
      { name: 'web', image: 'file:///web.wasm@sha256:06' },
      config('web', { limits: { memoryBytes: 64 << 20 } }),
    );
    const spec = specs[0] as HttpServiceSpec;
    assert.equal(spec.host, '127.42.3.7');
    assert.equal(spec.port, 8080);
    assert.equal(spec.poolSize, 4);
    assert.equal(spec.deadlineMs, 3000);
    assert.equal(spec.memoryBytesMax, 64 << 20);
    await assert.rejects(
      spec.outgoing({ method: 'GET', url: 'http://x/', headers: [], body: new Uint8Array() }),
    );
  });

  it('uses the default pool size and timeout when annotations are absent or bad', async () => {
    const { runtime, config, specs } = await setup();
    const sandbox = await runtime.createSandbox({
      ...pod,
      annotations: { 'wisp.dev/pool-size': 'lots' },
    });
    await runtime.start(
      sandbox,
      { name: 'web', image: 'file:///web.wasm@sha256:06', ports: [{ containerPort: 9000 }] },
      config('web'),
    );
    const spec = specs[0] as HttpServiceSpec;
    assert.deepEqual([spec.port, spec.poolSize, spec.deadlineMs], [9000, 2, 30_000]);
  });

  it('refuses an http component without a containerPort, and a failed listen, as start errors', async () => {
    const { runtime, config } = await setup();
    const sandbox = await runtime.createSandbox(pod);
    await assert.rejects(
      runtime.start(sandbox, { name: 'web', image: 'file:///web.wasm@sha256:06' }, config('a')),
      (e: unknown) => e instanceof ContainerStartError && /needs a containerPort/.test(e.message),
    );
    await assert.rejects(
      runtime.start(
        sandbox,
        { name: 'web', image: 'file:///web.wasm@sha256:06', ports: [{ containerPort: 1 }] },
        config('b'),
      ),
      /EADDRINUSE/,
    );
    assert.deepEqual((await runtime.status(sandbox))?.containers, []);
  });

  it('drains an http service within the grace period when stopped', async () => {
    const { runtime, config, drained } = await setup();
    const sandbox = await runtime.createSandbox(pod);
    const c = {
      name: 'web',
      image: 'file:///web.wasm@sha256:06',
      ports: [{ containerPort: 8080 }],
    };
    const id = await runtime.start(sandbox, c, config('web'));
    await runtime.stop(sandbox, id, { gracePeriodMs: 7000 });
    assert.deepEqual(drained, [7000]);
    const st = (await runtime.status(sandbox))?.containers[0].current;
    assert.equal(st?.state === 'exited' && st.reason, 'Completed');
  });

  it('reports OOMKilled with its message, and the digest as imageId', async () => {
    const { runtime, config, clock } = await setup();
    const sandbox = await runtime.createSandbox(pod);
    await runtime.start(sandbox, { name: 'b', image: 'file:///oom.wasm@sha256:05' }, config('b'));
    await clock.advanceAsync(300);
    const c = (await runtime.status(sandbox))?.containers[0];
    assert.equal(c?.imageId, 'sha256:05');
    assert.deepEqual(
      c?.current.state === 'exited' && [c.current.reason, c.current.exitCode, c.current.message],
      ['OOMKilled', 137, 'memory limit'],
    );
  });

  it('pulls a reference once, even when asked concurrently', async () => {
    const { runtime, pulls } = await setup();
    await Promise.all([1, 2, 3].map(() => runtime.pull('file:///zero.wasm@sha256:02')));
    await runtime.pull('file:///zero.wasm@sha256:02');
    assert.deepEqual(pulls, ['file:///zero.wasm@sha256:02']);
  });
});

runtimeConformance(
  'WasmRuntime over fake layers',
  async () => {
    const clock = new FakeClock();
    const runtime = new WasmRuntime({ killWaitMs: 10 }, { clock, ...fakes(clock) });
    return { runtime, tick: () => clock.advanceAsync(100), close: () => runtime.close() };
  },
  {
    runsForever: 'file:///forever.wasm@sha256:01',
    exitsZero: 'file:///zero.wasm@sha256:02',
    exitsOne: 'file:///one.wasm@sha256:03',
    printsHello: 'file:///hello.wasm@sha256:04',
    missing: 'file:///missing.wasm@sha256:ff',
  },
);
