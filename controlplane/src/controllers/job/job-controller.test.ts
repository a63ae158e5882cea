import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@wisp/api';
import { PODS } from '../daemonset/shared/pod-control.ts';
import { createWorkloadTestKit, podTemplate } from '../daemonset/test/workload-test-kit.ts';
import type { WorkloadTestKit } from '../daemonset/test/workload-test-kit.ts';
import { JOBS, createJobController } from './job-controller.ts';
import { jobSelectorAdmission } from './job-labels.ts';
import { TRACKING_FINALIZER } from './job-pods.ts';

const KEY = 'default/pi';

function job(spec: Record<string, unknown> = {}, restartPolicy = 'Never'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default' },
    spec: { template: podTemplate({ app: 'pi' }, 'perl:5', { restartPolicy }), ...spec },
  };
}

interface JobStatusView {
  active?: number;
  ready?: number;
  succeeded?: number;
  failed?: number;
  startTime?: string;
  completionTime?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
}

async function setup(j: KubeObject = job()) {
  const kit = await createWorkloadTestKit({ admission: [jobSelectorAdmission] });
  const controller = createJobController({}, kit.components);
  await kit.start();
  await kit.create(JOBS, j);
  await kit.settle();
  const sync = async () => {
    const result = await controller.reconcile(KEY);
    await kit.settle();
    return result;
  };
  return { kit, controller, sync };
}

async function livePods(kit: WorkloadTestKit): Promise<KubeObject[]> {
  return (await kit.list(PODS, 'default')).filter((p) => !p.metadata.deletionTimestamp);
}

async function running(kit: WorkloadTestKit): Promise<KubeObject[]> {
  return (await livePods(kit)).filter((p) => {
    const phase = (p.status as { phase?: string }).phase;
    return phase !== 'Succeeded' && phase !== 'Failed';
  });
}

async function status(kit: WorkloadTestKit): Promise<JobStatusView> {
  return (await kit.get(JOBS, 'default', 'pi')).status as JobStatusView;
}

async function endPod(kit: WorkloadTestKit, pod: KubeObject, phase: string): Promise<void> {
  await kit.setPodStatus('default', pod.metadata.name!, { phase });
  await kit.settle();
}

const conditionOf = (s: JobStatusView, type: string) => s.conditions?.find((c) => c.type === type);

describe('Job controller', () => {
  it('runs parallelism pods with generated labels, selector and tracking finalizer', async () => {
    const { kit, sync } = await setup(job({ completions: 3, parallelism: 2 }));
    const stored = await kit.get(JOBS, 'default', 'pi');
    const uid = stored.metadata.uid!;
    const spec = stored.spec as { selector: unknown };
    assert.deepEqual(spec.selector, {
      matchLabels: { 'batch.kubernetes.io/controller-uid': uid },
    });
    await sync();
    const pods = await livePods(kit);
    assert.equal(pods.length, 2);
    assert.equal(pods[0].metadata.generateName, 'pi-');
    assert.equal(pods[0].metadata.labels?.['batch.kubernetes.io/controller-uid'], uid);
    assert.equal(pods[0].metadata.labels?.['batch.kubernetes.io/job-name'], 'pi');
    assert.equal(pods[0].metadata.labels?.['job-name'], 'pi');
    assert.equal(pods[0].metadata.labels?.['controller-uid'], uid);
    assert.deepEqual(pods[0].metadata.finalizers, [TRACKING_FINALIZER]);
    const s = await status(kit);
    assert.equal(s.active, 2);
    assert.equal(s.startTime, '2025-01-01T00:00:00Z');
    await kit.stop();
  });

  it('counts successes once, replaces finished pods and completes at completions', async () => {
    const { kit, sync } = await setup(job({ completions: 3, parallelism: 2 }));
    await sync();
    for (const p of await running(kit)) await endPod(kit, p, 'Succeeded');
    kit.clock.advance(5000);
    await sync();
    let s = await status(kit);
    assert.equal(s.succeeded, 2);
    assert.equal(s.active, 1, 'only one completion left');
    assert.deepEqual(s.uncountedTerminatedPods, {});
    const done = (await livePods(kit)).filter(
      (p) => (p.status as { phase: string }).phase === 'Succeeded',
    );
    assert.ok(
      done.every((p) => !p.metadata.finalizers),
      'finalizers removed once counted',
    );
    await sync();
    assert.equal((await status(kit)).succeeded, 2, 'a second pass does not count again');
    for (const p of await running(kit)) await endPod(kit, p, 'Succeeded');
    await sync();
    s = await status(kit);
    assert.equal(s.succeeded, 3);
    assert.equal(s.active, 0);
    assert.equal(conditionOf(s, 'Complete')?.status, 'True');
    assert.equal(s.completionTime, '2025-01-01T00:00:05Z');
    assert.ok((await kit.events()).includes('Completed: Job completed'));
    await kit.stop();
  });

  it('counts a finished pod that was deleted before the controller saw it', async () => {
    const { kit, sync } = await setup(job());
    await sync();
    const [pod] = await running(kit);
    await endPod(kit, pod, 'Succeeded');
    await kit.registry.delete(PODS, 'default', pod.metadata.name!);
    await kit.settle();
    await sync();
    const s = await status(kit);
    assert.equal(s.succeeded, 1);
    assert.equal(conditionOf(s, 'Complete')?.status, 'True');
    assert.equal((await kit.list(PODS, 'default')).length, 0, 'released, the pod is gone');
    await kit.stop();
  });

  it('backs off between failures and fails the Job past backoffLimit', async () => {
    const { kit, sync } = await setup(job({ backoffLimit: 1 }));
    await sync();
    await endPod(kit, (await running(kit))[0], 'Failed');
    const wait = await sync();
    assert.equal((await status(kit)).failed, 1);
    assert.equal(wait?.requeueAfterMs, 10_000, 'first retry after 10 s');
    assert.equal((await running(kit)).length, 0);
    kit.clock.advance(10_000);
    await sync();
    assert.equal((await running(kit)).length, 1);
    await endPod(kit, (await running(kit))[0], 'Failed');
    await sync();
    const s = await status(kit);
    assert.equal(s.failed, 2);
    const failed = conditionOf(s, 'Failed');
    assert.equal(failed?.reason, 'BackoffLimitExceeded');
    assert.equal(failed?.message, 'Job has reached the specified backoff limit');
    assert.equal(s.completionTime, undefined);
    assert.ok(
      (await kit.events()).includes(
        'BackoffLimitExceeded: Job has reached the specified backoff limit',
      ),
    );
    await kit.stop();
  });

  it('counts container restarts against backoffLimit under restartPolicy OnFailure', async () => {
    const { kit, sync } = await setup(job({ backoffLimit: 2 }, 'OnFailure'));
    await sync();
    const [pod] = await running(kit);
    await kit.setPodStatus('default', pod.metadata.name!, {
      phase: 'Running',
      containerStatuses: [
        { name: 'app', restartCount: 2, ready: false, image: 'perl:5', imageID: '' },
      ],
    });
    await kit.settle();
    await sync();
    assert.equal(conditionOf(await status(kit), 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal((await livePods(kit)).length, 0, 'the running pod is deleted');
    await kit.stop();
  });

  it('fails the Job at activeDeadlineSeconds and deletes its pods', async () => {
    const { kit, sync } = await setup(
      job({ activeDeadlineSeconds: 60, parallelism: 2, completions: 4 }),
    );
    const first = await sync();
    assert.equal(first?.requeueAfterMs, 60_000);
    kit.clock.advance(60_000);
    await sync();
    const s = await status(kit);
    assert.equal(conditionOf(s, 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(s.failed, 2, 'the pods it killed count as failed');
    assert.equal(s.active, 0);
    assert.equal((await livePods(kit)).length, 0);
    await kit.stop();
  });

  it('deletes a finished Job after ttlSecondsAfterFinished', async () => {
    const { kit, sync } = await setup(job({ ttlSecondsAfterFinished: 100 }));
    await sync();
    await endPod(kit, (await running(kit))[0], 'Succeeded');
    const done = await sync();
    assert.equal(done?.requeueAfterMs, 100_000);
    kit.clock.advance(99_000);
    assert.equal((await sync())?.requeueAfterMs, 1000);
    kit.clock.advance(1000);
    await sync();
    await assert.rejects(kit.get(JOBS, 'default', 'pi'), { code: 'ERR_NOT_FOUND' });
    await kit.stop();
  });

  it('deletes pods while suspended and restarts the clock on resume', async () => {
    const { kit, sync } = await setup(job({ parallelism: 2, completions: 2 }));
    await sync();
    const setSuspend = async (suspend: boolean) => {
      await kit.registry.modify(JOBS, 'default', 'pi', (j) => {
        (j!.spec as { suspend: boolean }).suspend = suspend;
        return j!;
      });
      await kit.settle();
    };
    await setSuspend(true);
    await sync();
    let s = await status(kit);
    assert.equal((await livePods(kit)).length, 0);
    assert.equal(s.active, 0);
    assert.equal(s.failed ?? 0, 0, 'suspension is not a failure');
    assert.equal(conditionOf(s, 'Suspended')?.reason, 'JobSuspended');
    kit.clock.advance(30_000);
    await setSuspend(false);
    await sync();
    s = await status(kit);
    assert.equal((await livePods(kit)).length, 2);
    assert.equal(conditionOf(s, 'Suspended')?.status, 'False');
    assert.equal(conditionOf(s, 'Suspended')?.reason, 'JobResumed');
    assert.equal(s.startTime, '2025-01-01T00:00:30Z');
    const events = await kit.events();
    assert.ok(events.includes('Suspended: Job suspended'));
    assert.ok(events.includes('Resumed: Job resumed'));
    await kit.stop();
  });

  it('completes a work-queue Job (no completions) once a pod succeeded and none runs', async () => {
    const { kit, sync } = await setup(job({ parallelism: 2 }));
    const spec = (await kit.get(JOBS, 'default', 'pi')).spec as { completions?: number };
    assert.equal(spec.completions, undefined, 'parallelism alone leaves completions unset');
    await sync();
    const [a, b] = await running(kit);
    await endPod(kit, a, 'Succeeded');
    await sync();
    assert.equal((await running(kit)).length, 1, 'no replacement once one succeeded');
    assert.equal(conditionOf(await status(kit), 'Complete'), undefined);
    await endPod(kit, b, 'Succeeded');
    await sync();
    assert.equal(conditionOf(await status(kit), 'Complete')?.status, 'True');
    await kit.stop();
  });

  it('releases the finalizer of pods whose Job is gone', async () => {
    const { kit, controller, sync } = await setup(job());
    await sync();
    const [pod] = await running(kit);
    await kit.registry.delete(JOBS, 'default', 'pi');
    await kit.settle();
    await controller.reconcile(`orphan-pod:default/${pod.metadata.name}`);
    await kit.settle();
    const after = await kit.get(PODS, 'default', pod.metadata.name!);
    assert.equal(after.metadata.finalizers, undefined);
    await kit.stop();
  });
});
