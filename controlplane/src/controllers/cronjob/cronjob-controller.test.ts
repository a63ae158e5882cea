import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@wisp/api';
import { rfc3339 } from '@wisp/core';
import { createWorkloadTestKit, podTemplate } from '../daemonset/test/workload-test-kit.ts';
import type { WorkloadTestKit } from '../daemonset/test/workload-test-kit.ts';
import { jobSelectorAdmission } from '../job/job-labels.ts';
import { CRONJOBS, createCronJobController } from './cronjob-controller.ts';
import { JOBS } from './cronjob-sync.ts';

const KEY = 'default/hello';
const T0 = Date.UTC(2025, 0, 1, 0, 0, 0);
const MIN = 60_000;
const T0_MINUTES = T0 / MIN;

function cronJob(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: {
        metadata: { labels: { app: 'hello' } },
        spec: { template: podTemplate({ app: 'hello' }, 'busybox', { restartPolicy: 'Never' }) },
      },
      ...spec,
    },
  };
}

interface CronStatusView {
  active?: { name: string; uid: string; kind: string }[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

async function setup(cj: KubeObject = cronJob(), nowMs = T0) {
  const kit = await createWorkloadTestKit({ nowMs, admission: [jobSelectorAdmission] });
  const controller = createCronJobController({}, kit.components);
  await kit.start();
  await kit.create(CRONJOBS, cj);
  await kit.settle();
  const sync = async () => {
    const r = await controller.reconcile(KEY);
    await kit.settle();
    return r;
  };
  return { kit, controller, sync };
}

async function jobNames(kit: WorkloadTestKit): Promise<string[]> {
  return (await kit.list(JOBS, 'default')).map((j) => j.metadata.name!).sort();
}

async function status(kit: WorkloadTestKit): Promise<CronStatusView> {
  return (await kit.get(CRONJOBS, 'default', 'hello')).status as CronStatusView;
}

async function finishJob(kit: WorkloadTestKit, name: string, type: 'Complete' | 'Failed') {
  const at = rfc3339(kit.clock.now());
  await kit.registry.modify(
    JOBS,
    'default',
    name,
    (j) => ({
      ...j!,
      status: {
        startTime: at,
        ...(type === 'Complete' ? { completionTime: at } : {}),
        conditions: [{ type, status: 'True', lastTransitionTime: at }],
      },
    }),
    { subresource: 'status' },
  );
  await kit.settle();
}

describe('CronJob controller', () => {
  it('starts the Job when a FakeClock advance reaches the next activation', async () => {
    const { kit, controller } = await setup();
    controller.start();
    await kit.clock.advanceAsync(5 * MIN + 100);
    for (let i = 0; i < 1000 && (await jobNames(kit)).length === 0; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(await jobNames(kit), [`hello-${T0_MINUTES + 5}`]);
    await controller.stop();
    await kit.stop();
  });

  it('names the Job after its scheduled minute and records it as active', async () => {
    const { kit, sync } = await setup();
    assert.equal((await sync())?.requeueAfterMs, 5 * MIN + 100);
    kit.clock.advance(5 * MIN + 100);
    assert.equal((await sync())?.requeueAfterMs, 5 * MIN);
    const [job] = await kit.list(JOBS, 'default');
    assert.equal(job.metadata.name, `hello-${T0_MINUTES + 5}`);
    assert.equal(job.metadata.labels?.app, 'hello');
    assert.equal(
      job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'],
      '2025-01-01T00:05:00Z',
    );
    assert.equal(job.metadata.ownerReferences?.[0].kind, 'CronJob');
    const s = await status(kit);
    assert.deepEqual(
      s.active?.map((r) => [r.kind, r.name, r.uid]),
      [['Job', job.metadata.name, job.metadata.uid]],
    );
    assert.equal(s.lastScheduleTime, '2025-01-01T00:05:00Z');
    assert.ok((await kit.events()).includes(`SuccessfulCreate: Created job ${job.metadata.name}`));
    await sync();
    assert.equal((await jobNames(kit)).length, 1, 'the same activation never starts twice');
    await kit.stop();
  });

  it('drops a finished Job from the active list and notes the last success', async () => {
    const { kit, sync } = await setup();
    kit.clock.advance(5 * MIN);
    await sync();
    const [name] = await jobNames(kit);
    kit.clock.advance(30_000);
    await finishJob(kit, name, 'Complete');
    await sync();
    const s = await status(kit);
    assert.equal(s.active, undefined);
    assert.equal(s.lastSuccessfulTime, '2025-01-01T00:05:30Z');
    assert.ok(
      (await kit.events()).includes(
        `SawCompletedJob: Saw completed job: ${name}, condition: Complete`,
      ),
    );
    await kit.stop();
  });

  it('skips an activation while a Job runs under Forbid', async () => {
    const { kit, sync } = await setup(cronJob({ concurrencyPolicy: 'Forbid' }));
    kit.clock.advance(5 * MIN);
    await sync();
    kit.clock.advance(5 * MIN);
    await sync();
    assert.equal((await jobNames(kit)).length, 1);
    assert.ok(
      (await kit.events()).includes(
        'JobAlreadyActive: Not starting job because prior execution is running and ' +
          'concurrency policy is Forbid',
      ),
    );
    await kit.stop();
  });

  it('runs Jobs side by side under Allow and replaces the running one under Replace', async () => {
    const allow = await setup();
    allow.kit.clock.advance(5 * MIN);
    await allow.sync();
    allow.kit.clock.advance(5 * MIN);
    await allow.sync();
    assert.equal((await jobNames(allow.kit)).length, 2);
    assert.equal((await status(allow.kit)).active?.length, 2);
    await allow.kit.stop();

    const { kit, sync } = await setup(cronJob({ concurrencyPolicy: 'Replace' }));
    kit.clock.advance(5 * MIN);
    await sync();
    kit.clock.advance(5 * MIN);
    await sync();
    assert.deepEqual(await jobNames(kit), [`hello-${T0_MINUTES + 10}`]);
    assert.deepEqual(
      (await status(kit)).active?.map((r) => r.name),
      [`hello-${T0_MINUTES + 10}`],
    );
    await kit.stop();
  });

  it('keeps only the history limits of finished Jobs, oldest deleted first', async () => {
    const limits = { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 };
    const { kit, sync } = await setup(cronJob(limits));
    for (const outcome of ['Complete', 'Complete', 'Failed', 'Failed'] as const) {
      kit.clock.advance(5 * MIN);
      await sync();
      const newest = (await jobNames(kit)).at(-1)!;
      await finishJob(kit, newest, outcome);
    }
    await sync();
    assert.deepEqual(await jobNames(kit), [`hello-${T0_MINUTES + 10}`, `hello-${T0_MINUTES + 20}`]);
    await kit.stop();
  });

  it('misses an activation older than startingDeadlineSeconds', async () => {
    const { kit, sync } = await setup(cronJob({ startingDeadlineSeconds: 10 }));
    kit.clock.advance(5 * MIN + 30_000);
    await sync();
    assert.deepEqual(await jobNames(kit), []);
    const result = await sync();
    assert.equal(result?.requeueAfterMs, 4 * MIN + 30_000 + 100);
    kit.clock.advance(4 * MIN + 30_100);
    await sync();
    assert.deepEqual(await jobNames(kit), [`hello-${T0_MINUTES + 10}`]);
    await kit.stop();
  });

  it('warns about too many missed start times and still starts the latest', async () => {
    const { kit, sync } = await setup(cronJob({ schedule: '* * * * *' }));
    kit.clock.advance(3 * 60 * MIN);
    await sync();
    assert.deepEqual(await jobNames(kit), [`hello-${T0_MINUTES + 180}`]);
    assert.ok(
      (await kit.events()).includes(
        'TooManyMissedTimes: too many missed start times. Set or decrease ' +
          '.spec.startingDeadlineSeconds or check clock skew',
      ),
    );
    await kit.stop();
  });

  it('starts nothing while suspended', async () => {
    const { kit, sync } = await setup(cronJob({ suspend: true }));
    kit.clock.advance(15 * MIN);
    assert.equal(await sync(), undefined);
    assert.deepEqual(await jobNames(kit), []);
    await kit.stop();
  });

  it('schedules in spec.timeZone and stamps the scheduled time with its offset', async () => {
    const cj = cronJob({ schedule: '0 9 * * *', timeZone: 'America/New_York' });
    const { kit, sync } = await setup(cj);
    assert.equal((await sync())?.requeueAfterMs, 14 * 60 * MIN + 100);
    kit.clock.advance(14 * 60 * MIN);
    await sync();
    const [job] = await kit.list(JOBS, 'default');
    assert.equal(
      job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'],
      '2025-01-01T09:00:00-05:00',
    );
    await kit.stop();
  });

  it('forgets an active Job that was deleted behind its back', async () => {
    const { kit, sync } = await setup();
    kit.clock.advance(5 * MIN);
    await sync();
    const [name] = await jobNames(kit);
    await kit.registry.delete(JOBS, 'default', name);
    await kit.settle();
    await sync();
    assert.equal((await status(kit)).active, undefined);
    assert.ok((await kit.events()).includes(`MissingJob: Active job went missing: ${name}`));
    await kit.stop();
  });
});
