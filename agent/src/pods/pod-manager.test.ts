import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
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

async function setup(dataDir?: string, clock = new FakeClock()) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'wisp-pods-')));
  dirs.push(dir);
  const runtime = new FakeRuntime({
    clock,
    behaviours: {
      crash: { exitCode: 1, afterMs: 1000 },
      done: { exitCode: 0, afterMs: 1000 },
      missing: { pullFails: 'not found' },
    },
  });
  const latest = new Map<string, PodStatusEntry>();
  const pods = createPodManager(
    { nodeName: 'n1', podCidr: '10.42.3.0/24', dataDir: dir },
    { runtime, clock, onStatus: (es) => es.forEach((e) => latest.set(e.name, e)) },
  );
  await pods.start();
  const pass = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      await clock.advanceAsync(1000);
      await pods.reconcile();
    }
  };
  const starts = () => runtime.calls.filter((c) => c.startsWith('start:')).length;
  return { dir, clock, runtime, pods, latest, pass, starts };
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
