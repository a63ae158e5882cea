import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition, KubeObject } from '@wisp/api';
import { rfc3339 } from '@wisp/core';
import { fail, runFor, runForever } from './pod-rules.ts';
import { podStatusFor, qosClass } from './pod-status.ts';
import { podTimeline } from './pod-timeline.ts';
import type { RestartPolicy } from './pod-timeline.ts';
import type { PodBehaviour } from './pod-rules.ts';

const T0 = Date.UTC(2030, 0, 1);
const scheduled: Condition = {
  type: 'PodScheduled',
  status: 'True',
  lastTransitionTime: rfc3339(T0 - 1000),
};

function pod(phase = 'Pending'): KubeObject {
  return {
    metadata: { name: 'web-1', namespace: 'default', uid: 'abcdef12-0000' },
    spec: {
      containers: [
        { name: 'web', image: 'registry.local/web:1' },
        { name: 'side', image: 'side:2' },
      ],
    },
    status: { phase, conditions: [scheduled] },
  };
}

function statusAt(
  nowMs: number,
  behaviour: PodBehaviour,
  policy: RestartPolicy = 'Always',
  killedAtMs?: number,
) {
  const tl = podTimeline({ behaviour, restartPolicy: policy, acceptedAtMs: T0, nowMs, killedAtMs });
  return podStatusFor(pod(), tl, {
    hostIP: '192.168.1.5',
    podIP: '10.42.1.2',
    acceptedAtMs: T0,
  }) as {
    phase: string;
    conditions: Condition[];
    containerStatuses: Record<string, unknown>[];
    [k: string]: unknown;
  };
}

const cond = (s: { conditions: Condition[] }, type: string) =>
  s.conditions.find((c) => c.type === type);

describe('podStatusFor', () => {
  it('reports a creating pod as Pending with waiting containers and keeps PodScheduled', () => {
    const s = statusAt(T0 + 500, { startDelayMs: 1000 });
    assert.equal(s.phase, 'Pending');
    assert.deepEqual(cond(s, 'PodScheduled'), scheduled);
    assert.equal(cond(s, 'Ready')?.status, 'False');
    assert.equal(cond(s, 'Ready')?.reason, 'ContainersNotReady');
    assert.equal(cond(s, 'Ready')?.message, 'containers with unready status: [web side]');
    assert.deepEqual(s.containerStatuses[0].state, { waiting: { reason: 'ContainerCreating' } });
    assert.equal(s.containerStatuses[0].imageID, '');
    assert.equal(s.startTime, rfc3339(T0));
  });

  it('reports a running ready pod with IPs and a status for each container', () => {
    const s = statusAt(T0 + 5000, runForever());
    assert.equal(s.phase, 'Running');
    assert.equal(s.podIP, '10.42.1.2');
    assert.deepEqual(s.podIPs, [{ ip: '10.42.1.2' }]);
    assert.equal(s.hostIP, '192.168.1.5');
    assert.deepEqual(
      s.conditions.map((c) => `${c.type}=${c.status}`),
      [
        'PodScheduled=True',
        'PodReadyToStartContainers=True',
        'Initialized=True',
        'ContainersReady=True',
        'Ready=True',
      ],
    );
    assert.equal(cond(s, 'Ready')?.lastTransitionTime, rfc3339(T0));
    const web = s.containerStatuses[0];
    assert.equal(web.name, 'web');
    assert.equal(web.ready, true);
    assert.equal(web.started, true);
    assert.equal(web.restartCount, 0);
    assert.deepEqual(web.state, { running: { startedAt: rfc3339(T0) } });
    assert.match(String(web.imageID), /^registry\.local\/web:1@sha256:[0-9a-f]{64}$/);
    assert.equal(web.containerID, 'wisp://abcdef12-web-0');
    assert.equal(s.containerStatuses[1].name, 'side');
    assert.equal(s.qosClass, 'BestEffort');
  });

  it('reports Succeeded and Failed by exit code when the pod does not restart', () => {
    const ok = statusAt(T0 + 4000, runFor(3000), 'Never');
    assert.equal(ok.phase, 'Succeeded');
    assert.equal(cond(ok, 'Ready')?.reason, 'PodCompleted');
    assert.deepEqual(ok.containerStatuses[0].state, {
      terminated: {
        exitCode: 0,
        reason: 'Completed',
        startedAt: rfc3339(T0),
        finishedAt: rfc3339(T0 + 3000),
      },
    });
    const bad = statusAt(T0 + 4000, fail(1000, 2), 'Never');
    assert.equal(bad.phase, 'Failed');
    assert.equal(
      (bad.containerStatuses[0].state as { terminated: { reason: string } }).terminated.reason,
      'Error',
    );
  });

  it('shows a crash loop as Running with CrashLoopBackOff and the last termination', () => {
    const s = statusAt(T0 + 2000, fail(1000));
    assert.equal(s.phase, 'Running');
    assert.deepEqual(s.containerStatuses[0].state, {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: 'back-off 10s restarting failed container=web',
      },
    });
    assert.equal(
      (s.containerStatuses[0].lastState as { terminated: { exitCode: number } }).terminated
        .exitCode,
      1,
    );
  });

  it('keeps the phase of a pod stopped for deletion and marks its containers terminated', () => {
    const s = statusAt(T0 + 9000, runForever(), 'Always', T0 + 8000);
    assert.equal(s.phase, 'Pending', 'the phase the pod had (this fixture says Pending)');
    assert.equal(cond(s, 'Ready')?.status, 'False');
    assert.equal(
      (s.containerStatuses[0].state as { terminated: { exitCode: number } }).terminated.exitCode,
      143,
    );
  });
});

describe('qosClass', () => {
  it('classifies as the apiserver does', () => {
    const c = (requests?: Record<string, string>, limits?: Record<string, string>) => ({
      name: 'c',
      resources: { requests, limits },
    });
    assert.equal(qosClass([c()]), 'BestEffort');
    assert.equal(qosClass([c({ cpu: '1' })]), 'Burstable');
    assert.equal(qosClass([c(undefined, { cpu: '1', memory: '1Gi' })]), 'Guaranteed');
    assert.equal(
      qosClass([c({ cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })]),
      'Guaranteed',
    );
    assert.equal(qosClass([c({ cpu: '500m' }, { cpu: '1', memory: '1Gi' })]), 'Burstable');
  });
});
