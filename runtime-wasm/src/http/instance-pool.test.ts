import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { InstancePool, type JobRequest, type PoolWorker } from './instance-pool.ts';
import type { InstanceExit } from './instance-worker.ts';
import type { ServeReply } from './messages.ts';

class FakeWorker implements PoolWorker {
  readonly ready: Promise<void>;
  readonly exit: Promise<InstanceExit>;
  readonly runs: { req: JobRequest; reply: (r: ServeReply) => void }[] = [];
  terminated: InstanceExit | undefined;
  readonly #exit = Promise.withResolvers<InstanceExit>();

  constructor(startFails?: InstanceExit) {
    this.exit = this.#exit.promise;
    this.ready = startFails ? Promise.reject(new Error('start failed')) : Promise.resolve();
    this.ready.catch(() => {});
    if (startFails) this.#exit.resolve(startFails);
  }
  run(req: JobRequest): Promise<ServeReply> {
    return new Promise((reply) => this.runs.push({ req, reply }));
  }
  async terminate(exit: InstanceExit): Promise<void> {
    this.terminated ??= exit;
    for (const r of this.runs.splice(0))
      r.reply({ type: 'http-failed', id: 0, trapped: true, message: 'gone' });
    this.#exit.resolve(exit);
  }
  respond(body = 'ok'): void {
    const r = this.runs.shift()!;
    r.reply({
      type: 'http-response',
      id: 0,
      status: 200,
      headers: [],
      body: new TextEncoder().encode(body),
    });
  }
}

const req: JobRequest = {
  method: 'GET',
  pathWithQuery: '/',
  authority: 'x',
  scheme: 'http',
  headers: [],
  body: new Uint8Array(0),
};
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(poolSize: number, queueDepthMax = 8, failStarts = 0) {
  const clock = new FakeClock();
  const workers: FakeWorker[] = [];
  let fails = failStarts;
  const pool = new InstancePool(
    () => {
      const w =
        fails-- > 0 ? new FakeWorker({ exitCode: 137, reason: 'OOMKilled' }) : new FakeWorker();
      workers.push(w);
      return w;
    },
    { poolSize, queueDepthMax, deadlineMs: 1000 },
    clock,
  );
  return { clock, workers, pool };
}

describe('instance pool', () => {
  it('reuses the same instances, one request per instance at a time', async () => {
    const { workers, pool } = setup(2);
    await pool.start();
    const jobs = [1, 2, 3].map(() => pool.submit(req)!);
    await tick();
    assert.equal(workers[0]!.runs.length + workers[1]!.runs.length, 2);
    assert.equal(pool.queued, 1);
    (workers[0]!.runs.length ? workers[0]! : workers[1]!).respond();
    await tick();
    for (const w of workers) while (w.runs.length) w.respond();
    const outcomes = await Promise.all(jobs.map((j) => j.outcome));
    assert.ok(outcomes.every((o) => o.kind === 'response'));
    assert.equal(workers.length, 2);
    assert.equal(pool.stats.served, 3);
  });

  it('answers 504 at the deadline, terminates the instance and starts a fresh one', async () => {
    const { clock, workers, pool } = setup(1);
    await pool.start();
    const job = pool.submit(req)!;
    await tick();
    clock.advance(999);
    await tick();
    clock.advance(1);
    const outcome = await job.outcome;
    assert.equal(outcome.kind === 'failed' && outcome.status, 504);
    assert.equal(workers[0]!.terminated?.reason, 'DeadlineExceeded');
    await tick();
    assert.equal(workers.length, 2);
    assert.equal(pool.stats.restarts, 1);
    const next = pool.submit(req)!;
    await tick();
    workers[1]!.respond('again');
    assert.equal((await next.outcome).kind, 'response');
  });

  it('answers 500 for a trap and never sends another request to that instance', async () => {
    const { workers, pool } = setup(1);
    await pool.start();
    const job = pool.submit(req)!;
    await tick();
    workers[0]!.runs
      .shift()!
      .reply({ type: 'http-failed', id: 0, trapped: true, message: 'unreachable' });
    const outcome = await job.outcome;
    assert.equal(outcome.kind === 'failed' && outcome.status, 500);
    const next = pool.submit(req)!;
    await tick();
    assert.equal(workers[0]!.runs.length, 0);
    workers[1]!.respond();
    assert.equal((await next.outcome).kind, 'response');
  });

  it('keeps an instance whose guest returned an error code without trapping', async () => {
    const { workers, pool } = setup(1);
    await pool.start();
    const job = pool.submit(req)!;
    await tick();
    workers[0]!.runs
      .shift()!
      .reply({ type: 'http-failed', id: 0, trapped: false, message: 'internal-error' });
    assert.equal((await job.outcome).kind, 'failed');
    assert.equal(workers[0]!.terminated, undefined);
    assert.equal(pool.stats.restarts, 0);
  });

  it('turns requests away once the queue is full', async () => {
    const { pool } = setup(1, 1);
    await pool.start();
    assert.ok(pool.submit(req)); // running
    await tick();
    assert.ok(pool.submit(req)); // queued
    assert.equal(pool.submit(req), undefined);
    assert.equal(pool.stats.rejected, 1);
  });

  it('exits with the start failure once every instance failed to start', async () => {
    const { pool } = setup(2, 8, 2);
    await pool.start();
    assert.deepEqual(await pool.exited, { exitCode: 137, reason: 'OOMKilled' });
    assert.equal(pool.submit(req), undefined);
  });

  it('on close turns queued requests away with 503 and ends every instance', async () => {
    const { workers, pool } = setup(1);
    await pool.start();
    const running = pool.submit(req)!;
    await tick();
    const queued = pool.submit(req)!;
    await pool.close({ exitCode: 137, reason: 'Killed' });
    assert.equal(
      (await queued.outcome).kind === 'failed' &&
        ((await queued.outcome) as { status: number }).status,
      503,
    );
    assert.equal(workers[0]!.terminated?.reason, 'Killed');
    assert.equal((await running.outcome).kind, 'failed');
    assert.deepEqual(await pool.exited, { exitCode: 137, reason: 'Killed' });
  });
});
