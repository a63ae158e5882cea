import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { PodStatusEntry } from '@wisp/api/wire/messages.ts';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { FakeRuntime } from '@wisp/testkit/fake-runtime.ts';
import { createPodManager } from './pod-manager.ts';

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function pod(name: string, image: string, restartPolicy = 'Always'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { nodeName: 'n1', restartPolicy, containers: [{ name: 'app', image }] },
  };
}

interface SetupOptions {
  readonly probeOk?: (port: number) => boolean;
  readonly allowHostPath?: boolean;
}

async function setup(dataDir?: string, clock = new FakeClock(), opts: SetupOptions = {}) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'wisp-pods-')));
  dirs.push(dir);
  const runtime = new FakeRuntime({
    clock,
    behaviours: {
      crash: { exitCode: 1, afterMs: 1000 },
      done: { exitCode: 0, afterMs: 1000 },
      missing: { pullFails: 'not found' },
      bomb: { exitCode: 137, afterMs: 1000, reason: 'OOMKilled' },
      bad: { pullFails: 'digest mismatch: want sha256:aa, got sha256:bb' },
    },
  });
  const probed: number[] = [];
  const probeChecker = async (probe: Probe) => {
    const port = Number(probe.httpGet?.port ?? probe.tcpSocket?.port);
    probed.push(port);
    return { ok: opts.probeOk?.(port) ?? true, message: 'HTTP probe failed with statuscode: 500' };
  };
  const latest = new Map<string, PodStatusEntry>();
  const pods = createPodManager(
    { nodeName: 'n1', podCidr: '10.42.3.0/24', dataDir: dir, allowHostPath: opts.allowHostPath },
    { runtime, clock, probeChecker, onStatus: (es) => es.forEach((e) => latest.set(e.name, e)) },
  );
  await pods.start();
  const pass = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      await clock.advanceAsync(1000);
      await pods.reconcile();
    }
  };
  const starts = () => runtime.calls.filter((c) => c.startsWith('start:')).length;
  return { dir, clock, runtime, pods, latest, pass, starts, probed };
}

describe('PodManager', () => {
  it('starts desired pods with IPs from the pod CIDR and reports them Running', async () => {
    const { pods, latest, runtime } = await setup();
    await pods.setDesired([pod('a', 'web'), pod('b', 'web')]);
    assert.deepEqual(runtime.running(), ['default/a/app', 'default/b/app']);
    assert.equal(latest.get('a')?.status.phase, 'Running');
    assert.equal(latest.get('a')?.status.podIP, '10.42.3.2');
    assert.equal(latest.get('b')?.status.podIP, '10.42.3.3');
    assert.equal(
      latest.get('a')?.status.conditions?.find((c) => c.type === 'Ready')?.status,
      'True',
    );
    await pods.stop();
  });

  it('stops a pod being deleted, never restarts it, and reports it removed', async () => {
    const { pods, latest, runtime, starts } = await setup();
    const p = pod('a', 'web');
    await pods.setDesired([p]);
    assert.deepEqual(runtime.running(), ['default/a/app']);
    const deleting: Pod = {
      ...p,
      metadata: {
        ...p.metadata,
        deletionTimestamp: '2026-01-01T00:00:00Z',
        deletionGracePeriodSeconds: 1,
      },
    };
    await pods.setDesired([deleting]);
    assert.deepEqual(runtime.running(), []);
    assert.equal(latest.get('a')?.removed, true);
    assert.equal(latest.get('a')?.status.phase, 'Running', 'the last status travels with it');
    await pods.reconcile();
    assert.equal(starts(), 1, 'not started again');
    await pods.setDesired([]);
    await pods.stop();
  });

  it('reports a pod being deleted that it never ran as removed at once', async () => {
    const { pods, latest, starts } = await setup();
    const p = pod('b', 'web');
    await pods.setDesired([
      { ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } },
    ]);
    assert.equal(latest.get('b')?.removed, true);
    assert.equal(starts(), 0);
    await pods.stop();
  });

  it('restarts a crashing container after a back-off of 10 s doubling', async () => {
    const { pods, latest, pass, starts } = await setup();
    await pods.setDesired([pod('c', 'crash')]);
    assert.equal(starts(), 1);
    await pass(2000); // exited at +1 s: waits 10 s
    const waiting = latest.get('c')?.status.containerStatuses?.[0];
    assert.equal(waiting?.state?.waiting?.reason, 'CrashLoopBackOff');
    await pass(8000);
    assert.equal(starts(), 1, 'not restarted before 10 s');
    await pass(2000);
    assert.equal(starts(), 2);
    assert.equal(latest.get('c')?.status.containerStatuses?.[0].restartCount, 1);
    await pass(19_000); // second exit at +12 s: waits 20 s, until +32 s
    assert.equal(starts(), 2);
    await pass(3000);
    assert.equal(starts(), 3);
    await pods.stop();
  });

  it('caps the back-off at 5 minutes', async () => {
    const { pods, pass, starts } = await setup();
    await pods.setDesired([pod('c', 'crash')]);
    await pass(20 * 60_000);
    // 10+20+40+80+160 s, then every 300 s (+1 s of run each time) within 20 min.
    assert.equal(starts(), 1 + 5 + 2);
    await pods.stop();
  });

  it('does not restart a completed container under OnFailure and reports Succeeded', async () => {
    const { pods, latest, pass, starts } = await setup();
    await pods.setDesired([pod('j', 'done', 'OnFailure')]);
    await pass(60_000);
    assert.equal(starts(), 1);
    assert.equal(latest.get('j')?.status.phase, 'Succeeded');
    await pods.stop();
  });

  it('shows ErrImagePull for an image that cannot be pulled', async () => {
    const { pods, latest } = await setup();
    await pods.setDesired([pod('m', 'missing')]);
    const reason = latest.get('m')?.status.containerStatuses?.[0].state?.waiting?.reason;
    assert.equal(reason, 'ErrImagePull');
    assert.equal(latest.get('m')?.status.phase, 'Pending');
    await pods.stop();
  });

  it('stops and removes pods that are no longer desired', async () => {
    const { pods, runtime } = await setup();
    await pods.setDesired([pod('a', 'web'), pod('b', 'web')]);
    await pods.setDesired([pod('b', 'web')]);
    assert.deepEqual(runtime.running(), ['default/b/app']);
    assert.ok(runtime.calls.includes('remove:default/a'));
    await pods.stop();
  });

  it('brings its pods back after an agent restart with the same IPs', async () => {
    const first = await setup();
    await first.pods.setDesired([pod('a', 'web')]);
    await first.pods.stop();
    const second = await setup(first.dir);
    await second.pods.setDesired([pod('a', 'web')]);
    assert.deepEqual(second.runtime.running(), ['default/a/app']);
    assert.equal(second.latest.get('a')?.status.podIP, '10.42.3.2');
    await second.pods.stop();
  });
});

function podWith(
  name: string,
  container: Partial<Container>,
  spec: Partial<Pod['spec']> = {},
): Pod {
  const p = pod(name, container.image ?? 'web');
  return {
    ...p,
    spec: { ...p.spec!, ...spec, containers: [{ name: 'app', image: 'web', ...container }] },
  };
}

const ready = (e: PodStatusEntry | undefined) =>
  e?.status.conditions?.find((c) => c.type === 'Ready')?.status;

describe('PodManager as a kubelet', () => {
  it('hands the runtime resolved env, volume mounts, limits and a per-restart log path', async () => {
    const { pods, runtime, dir } = await setup();
    const p = podWith(
      'e',
      {
        env: [
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
          { name: 'URL', value: 'http://$(POD)/' },
        ],
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }],
        resources: { limits: { memory: '64Mi', cpu: '250m' } },
      },
      { volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }] },
    );
    const configMaps = [
      { metadata: { name: 'cfg', namespace: 'default' }, data: { mode: 'fast' } },
    ];
    await pods.setDesired([p], { configMaps });
    const { config } = runtime.starts[0];
    assert.deepEqual(config.env, [
      { name: 'POD', value: 'e' },
      { name: 'MODE', value: 'fast' },
      { name: 'URL', value: 'http://e/' },
    ]);
    const volume = join(dir, 'pods', 'uid-e', 'volumes', 'cfg');
    assert.deepEqual(config.mounts, [
      { containerPath: '/etc/cfg', hostPath: volume, readOnly: true },
    ]);
    assert.deepEqual(config.limits, { memoryBytes: 64 * 1024 * 1024, cpuMillis: 250 });
    assert.equal(config.logPath, join(dir, 'pods', 'uid-e', 'logs', 'app', '0.log'));
    await pods.stop();
  });

  it('shows a missing ConfigMap key or a refused hostPath as CreateContainerConfigError', async () => {
    const { pods, latest, starts } = await setup();
    const missing = podWith('k', {
      env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope' } } }],
    });
    const host = podWith('h', {}, { volumes: [{ name: 'v', hostPath: { path: '/etc' } }] });
    await pods.setDesired([missing, host], {
      configMaps: [{ metadata: { name: 'cfg', namespace: 'default' } }],
    });
    const waiting = (n: string) => latest.get(n)?.status.containerStatuses?.[0].state?.waiting;
    assert.equal(waiting('k')?.reason, 'CreateContainerConfigError');
    assert.match(waiting('k')?.message ?? '', /couldn't find key nope in ConfigMap default\/cfg/);
    assert.match(waiting('h')?.message ?? '', /hostPath: Forbidden: .*--allow-host-path/);
    assert.equal(starts(), 0);
    await pods.stop();
  });

  it('puts the pull error message (a digest mismatch) in the waiting state', async () => {
    const { pods, latest } = await setup();
    await pods.setDesired([pod('d', 'bad')]);
    const w = latest.get('d')?.status.containerStatuses?.[0].state?.waiting;
    assert.equal(w?.reason, 'ErrImagePull');
    assert.match(w?.message ?? '', /digest mismatch: want sha256:aa, got sha256:bb/);
    await pods.stop();
  });

  it('keeps OOMKilled as the last termination reason while backing off', async () => {
    const { pods, latest, pass } = await setup();
    await pods.setDesired([pod('o', 'bomb')]);
    await pass(2000);
    const s = latest.get('o')?.status.containerStatuses?.[0];
    assert.equal(s?.lastState?.terminated?.reason, 'OOMKilled');
    assert.equal(s?.lastState?.terminated?.exitCode, 137);
    assert.equal(s?.state?.waiting?.reason, 'CrashLoopBackOff');
    assert.match(s?.state?.waiting?.message ?? '', /back-off 10s restarting failed container=app/);
    await pods.stop();
  });

  it('is Ready only once its readiness probe passes', async () => {
    let healthy = false;
    const { pods, latest, pass, probed } = await setup(undefined, undefined, {
      probeOk: () => healthy,
    });
    const probe = { httpGet: { path: '/', port: 8080 }, periodSeconds: 1, failureThreshold: 1 };
    await pods.setDesired([podWith('r', { readinessProbe: probe })]);
    await pass(2000);
    assert.ok(probed.length > 0);
    assert.equal(ready(latest.get('r')), 'False');
    assert.equal(latest.get('r')?.status.containerStatuses?.[0].ready, false);
    healthy = true;
    await pass(2000);
    assert.equal(ready(latest.get('r')), 'True');
    healthy = false;
    await pass(2000);
    assert.equal(ready(latest.get('r')), 'False');
    await pods.stop();
  });

  it('restarts a container whose liveness probe keeps failing', async () => {
    const { pods, latest, pass, starts } = await setup(undefined, undefined, {
      probeOk: () => false,
    });
    const probe = { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 2 };
    await pods.setDesired([podWith('l', { livenessProbe: probe })]);
    await pass(4000);
    const s = latest.get('l')?.status.containerStatuses?.[0];
    assert.equal(s?.state?.waiting?.reason, 'CrashLoopBackOff');
    assert.match(s?.lastState?.terminated?.message ?? '', /Liveness probe failed: HTTP probe/);
    await pass(11_000);
    assert.equal(starts(), 2);
    await pods.stop();
  });

  it('refuses exec probes the runtime cannot run, and runtime classes it does not serve', async () => {
    const { pods, latest } = await setup();
    await pods.setDesired([
      podWith('x', { livenessProbe: { exec: { command: ['true'] } } }),
      podWith('c', {}, { runtimeClassName: 'oci' }),
    ]);
    const msg = (n: string) => latest.get(n)?.status.containerStatuses?.[0].state?.waiting?.message;
    assert.match(msg('x') ?? '', /livenessProbe\.exec: Unsupported value/);
    assert.match(msg('c') ?? '', /spec\.runtimeClassName: Unsupported value: "oci"/);
    await pods.stop();
  });

  it('fails a pod past activeDeadlineSeconds with DeadlineExceeded and does not restart it', async () => {
    const { pods, latest, pass, runtime, starts } = await setup();
    await pods.setDesired([podWith('t', {}, { activeDeadlineSeconds: 5 })]);
    assert.equal(runtime.starts[0].config.deadlineMs, 5000);
    await pass(6000);
    const st = latest.get('t')?.status;
    assert.equal(st?.phase, 'Failed');
    assert.equal(st?.reason, 'DeadlineExceeded');
    assert.deepEqual(runtime.running(), []);
    await pass(30_000);
    assert.equal(starts(), 1);
    await pods.stop();
  });

  it('reports Succeeded for a job container that completes after restarts under OnFailure', async () => {
    const { pods, latest, pass, runtime } = await setup();
    await pods.setDesired([pod('j', 'crash', 'OnFailure')]);
    await pass(2000);
    runtime.script('crash', { exitCode: 0, afterMs: 1000 });
    await pass(15_000);
    assert.equal(latest.get('j')?.status.phase, 'Succeeded');
    await pods.stop();
  });
});
