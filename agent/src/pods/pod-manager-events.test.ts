/** The Kubernetes Events the pod manager emits, as a kubelet's describe output lists them. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { AgentEvent } from '@wisp/api/wire/event-messages.ts';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { FakeRuntime } from '@wisp/testkit/fake-runtime.ts';
import { createPodManager } from './pod-manager.ts';

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function pod(name: string, image: string, extra: Partial<Container> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image, ...extra }] },
  };
}

async function setup(probeOk = true) {
  const dir = await mkdtemp(join(tmpdir(), 'wisp-pod-events-'));
  dirs.push(dir);
  const clock = new FakeClock();
  const runtime = new FakeRuntime({
    clock,
    behaviours: {
      crash: { exitCode: 1, afterMs: 1000 },
      bomb: { exitCode: 137, afterMs: 1000, reason: 'OOMKilled' },
      bad: { pullFails: 'digest mismatch: want sha256:aa, got sha256:bb' },
    },
  });
  const events: AgentEvent[] = [];
  const pods = createPodManager(
    { nodeName: 'n1', podCidr: '10.42.3.0/24', dataDir: dir },
    {
      runtime,
      clock,
      probeChecker: async () => ({
        ok: probeOk,
        message: 'HTTP probe failed with statuscode: 500',
      }),
      onStatus: () => {},
      onEvent: (e) => events.push(e),
    },
  );
  await pods.start();
  const pass = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      await clock.advanceAsync(1000);
      await pods.reconcile();
    }
  };
  const reasons = () => events.map((e) => e.reason);
  return { pods, events, pass, reasons };
}

describe('PodManager events', () => {
  it('tells Pulling, Pulled, Created and Started for a container that starts', async () => {
    const { pods, events } = await setup();
    await pods.setDesired([pod('a', 'web')]);
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.message]),
      [
        ['Normal', 'Pulling', 'Pulling image "web"'],
        ['Normal', 'Pulled', 'Successfully pulled image "web"'],
        ['Normal', 'Created', 'Created container app'],
        ['Normal', 'Started', 'Started container app'],
      ],
    );
    assert.deepEqual(events[0].involvedObject, {
      kind: 'Pod',
      namespace: 'default',
      name: 'a',
      uid: 'uid-a',
      fieldPath: 'spec.containers{app}',
    });
    await pods.stop();
  });

  it('tells Failed with the pull error (digest mismatch), then BackOff on the retry', async () => {
    const { pods, events, pass, reasons } = await setup();
    await pods.setDesired([pod('b', 'bad')]);
    const failed = events.find((e) => e.reason === 'Failed');
    assert.equal(failed?.type, 'Warning');
    assert.equal(
      failed?.message,
      'Failed to pull image "bad": digest mismatch: want sha256:aa, got sha256:bb',
    );
    await pass(11_000);
    assert.ok(reasons().includes('BackOff'), reasons().join());
    assert.ok(!reasons().includes('Started'));
    await pods.stop();
  });

  it('tells BackOff for a crashing container and OOMKilling for one over its memory', async () => {
    const { pods, events, pass } = await setup();
    await pods.setDesired([pod('c', 'crash'), pod('m', 'bomb')]);
    await pass(2000);
    const of = (name: string) => events.filter((e) => e.involvedObject.name === name);
    const backOff = of('c').find((e) => e.reason === 'BackOff');
    assert.equal(backOff?.message, 'Back-off restarting failed container app in pod c');
    assert.ok(of('m').some((e) => e.reason === 'OOMKilling' && e.type === 'Warning'));
    await pods.stop();
  });

  it('tells Unhealthy for each failed probe and Killing when liveness gives up', async () => {
    const { pods, events, pass } = await setup(false);
    const probe = { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 2 };
    await pods.setDesired([pod('l', 'web', { livenessProbe: probe })]);
    await pass(4000);
    const unhealthy = events.filter((e) => e.reason === 'Unhealthy');
    assert.ok(unhealthy.length >= 2, `${unhealthy.length}`);
    assert.match(unhealthy[0].message, /^Liveness probe failed: HTTP probe failed/);
    const killing = events.find((e) => e.reason === 'Killing');
    assert.equal(killing?.message, 'Container app failed liveness probe, will be restarted');
    await pods.stop();
  });

  it('tells Killing for the containers of a pod no longer desired', async () => {
    const { pods, events } = await setup();
    await pods.setDesired([pod('a', 'web')]);
    await pods.setDesired([]);
    assert.equal(events.at(-1)?.reason, 'Killing');
    assert.equal(events.at(-1)?.message, 'Stopping container app');
    await pods.stop();
  });
});
