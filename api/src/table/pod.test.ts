import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.ts';
import { podPrinter } from './pod.ts';

const NOW = Date.parse('2026-01-10T12:00:00Z');
const minutesAgo = (m: number): string => new Date(NOW - m * 60_000).toISOString();

function pod(spec: object, status: object, metadata: object = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', creationTimestamp: minutesAgo(3), ...metadata },
    spec: { containers: [{ name: 'app', image: 'web:1' }], ...spec },
    status,
  };
}

const running = (restartCount = 0, ready = true) => ({
  name: 'app',
  ready,
  restartCount,
  image: 'web:1',
  imageID: '',
  state: { running: { startedAt: minutesAgo(2) } },
});

/** READY, STATUS, RESTARTS of a pod. */
function summary(obj: KubeObject): string[] {
  return podPrinter.row(obj, NOW).cells.slice(1, 4).map(String);
}

describe('pod table', () => {
  it('prints a running pod with every wide column', () => {
    const obj = pod(
      { nodeName: 'pi-3' },
      { phase: 'Running', podIPs: [{ ip: '10.42.3.7' }], containerStatuses: [running()] },
    );
    assert.deepEqual(podPrinter.row(obj, NOW).cells, [
      'web',
      '1/1',
      'Running',
      '0',
      '3m',
      '10.42.3.7',
      'pi-3',
      '<none>',
      '<none>',
    ]);
    assert.deepEqual(
      podPrinter.columns.map((c) => [c.name, c.priority]),
      [
        ['Name', 0],
        ['Ready', 0],
        ['Status', 0],
        ['Restarts', 0],
        ['Age', 0],
        ['IP', 1],
        ['Node', 1],
        ['Nominated Node', 1],
        ['Readiness Gates', 1],
      ],
    );
  });

  it('shows CrashLoopBackOff and when the container last restarted', () => {
    const status = {
      ...running(5, false),
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, finishedAt: minutesAgo(5) } },
    };
    assert.deepEqual(summary(pod({}, { phase: 'Running', containerStatuses: [status] })), [
      '0/1',
      'CrashLoopBackOff',
      '5 (5m ago)',
    ]);
  });

  it('shows Completed for a succeeded pod and marks the row completed', () => {
    const done = {
      ...running(),
      ready: false,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    };
    const obj = pod({}, { phase: 'Succeeded', containerStatuses: [done] });
    assert.deepEqual(summary(obj), ['0/1', 'Completed', '0']);
    assert.equal(podPrinter.row(obj, NOW).conditions?.[0].type, 'Completed');
  });

  it('is Running or NotReady, not Completed, while another container still runs', () => {
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
    const done = {
      ...running(),
      name: 'a',
      ready: false,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    };
    const statuses = [done, { ...running(), name: 'b' }];
    const ready = [{ type: 'Ready', status: 'True' }];
    assert.equal(
      summary(pod(spec, { phase: 'Running', containerStatuses: statuses, conditions: ready }))[1],
      'Running',
    );
    assert.equal(
      summary(pod(spec, { phase: 'Running', containerStatuses: statuses }))[1],
      'NotReady',
    );
  });

  it('lets the first container decide the status when several are waiting', () => {
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] };
    const statuses = [
      { ...running(), name: 'a', ready: false, state: { waiting: { reason: 'ImagePullBackOff' } } },
      {
        ...running(),
        name: 'b',
        ready: false,
        state: { waiting: { reason: 'ContainerCreating' } },
      },
    ];
    assert.equal(
      summary(pod(spec, { phase: 'Pending', containerStatuses: statuses }))[1],
      'ImagePullBackOff',
    );
  });

  it('shows exit codes and signals of containers that ended without a reason', () => {
    const ended = (terminated: object) => ({ ...running(), ready: false, state: { terminated } });
    assert.equal(
      summary(pod({}, { phase: 'Failed', containerStatuses: [ended({ exitCode: 137 })] }))[1],
      'ExitCode:137',
    );
    assert.equal(
      summary(
        pod({}, { phase: 'Failed', containerStatuses: [ended({ exitCode: 0, signal: 9 })] }),
      )[1],
      'Signal:9',
    );
  });

  it('shows Terminating while deleted, Unknown when the node was lost', () => {
    const deleting = { deletionTimestamp: minutesAgo(0) };
    assert.equal(
      summary(pod({}, { phase: 'Running', containerStatuses: [running()] }, deleting))[1],
      'Terminating',
    );
    assert.equal(
      summary(pod({}, { phase: 'Running', reason: 'NodeLost' }, deleting))[1],
      'Unknown',
    );
    const done = {
      ...running(),
      ready: false,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    };
    assert.equal(
      summary(pod({}, { phase: 'Succeeded', containerStatuses: [done] }, deleting))[1],
      'Completed',
    );
  });

  it('shows the pod reason, the phase, or SchedulingGated before containers start', () => {
    assert.deepEqual(summary(pod({}, { phase: 'Pending' })), ['0/1', 'Pending', '0']);
    assert.equal(summary(pod({}, { phase: 'Failed', reason: 'Evicted' }))[1], 'Evicted');
    const gated = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }];
    assert.equal(summary(pod({}, { phase: 'Pending', conditions: gated }))[1], 'SchedulingGated');
  });

  it('shows init progress and init failures', () => {
    const spec = { initContainers: [{ name: 'i0' }, { name: 'i1' }] };
    const init = (name: string, state: object, restartCount = 0) => ({
      ...running(restartCount, false),
      name,
      state,
    });
    const done = init('i0', { terminated: { exitCode: 0, reason: 'Completed' } });
    const status = (second: object) => ({
      phase: 'Pending',
      initContainerStatuses: [done, second],
    });
    assert.equal(summary(pod(spec, status(init('i1', { running: {} }))))[1], 'Init:1/2');
    assert.deepEqual(
      summary(pod(spec, status(init('i1', { waiting: { reason: 'CrashLoopBackOff' } }, 4)))),
      ['0/1', 'Init:CrashLoopBackOff', '4'],
    );
    assert.equal(
      summary(pod(spec, status(init('i1', { waiting: { reason: 'PodInitializing' } }))))[1],
      'Init:1/2',
    );
    assert.equal(
      summary(pod(spec, status(init('i1', { terminated: { exitCode: 2 } }))))[1],
      'Init:ExitCode:2',
    );
    assert.equal(
      summary(pod(spec, status(init('i1', { terminated: { exitCode: 143, signal: 15 } }))))[1],
      'Init:Signal:15',
    );
    assert.equal(
      summary(pod(spec, status(init('i1', { terminated: { exitCode: 1, reason: 'Error' } }))))[1],
      'Init:Error',
    );
  });

  it('counts started sidecars as ready containers and their restarts', () => {
    const spec = { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] };
    const sidecar = {
      ...running(1),
      name: 'proxy',
      started: true,
      lastState: { terminated: { exitCode: 1, finishedAt: minutesAgo(2) } },
    };
    const status = {
      phase: 'Running',
      initContainerStatuses: [sidecar],
      containerStatuses: [running()],
    };
    assert.deepEqual(summary(pod(spec, status)), ['2/2', 'Running', '1 (2m ago)']);
  });

  it('counts readiness gates whose condition is true', () => {
    const spec = {
      readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }],
    };
    const conditions = [
      { type: 'example.com/a', status: 'True' },
      { type: 'example.com/b', status: 'False' },
    ];
    const cells = podPrinter.row(
      pod(spec, { phase: 'Running', conditions, podIP: '10.42.0.9' }),
      NOW,
    ).cells;
    assert.deepEqual(cells.slice(5), ['10.42.0.9', '<none>', '<none>', '1/2']);
  });
});
