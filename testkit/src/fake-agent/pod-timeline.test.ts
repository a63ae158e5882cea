import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fail, neverReady, runFor, runForever } from './pod-rules.ts';
import { KILLED_EXIT_CODE, podTimeline, restartBackoffMs } from './pod-timeline.ts';
import type { TimelineInput } from './pod-timeline.ts';

const at = (nowMs: number, extra: Partial<TimelineInput> = {}) =>
  podTimeline({
    behaviour: runForever(),
    restartPolicy: 'Always',
    acceptedAtMs: 0,
    nowMs,
    ...extra,
  });

describe('podTimeline', () => {
  it('creates for startDelayMs, then runs and is ready after readyDelayMs', () => {
    const behaviour = { startDelayMs: 2000, readyDelayMs: 1000 };
    const creating = at(1999, { behaviour });
    assert.equal(creating.stage, 'creating');
    assert.equal(creating.wakeAtMs, 2000);
    const starting = at(2500, { behaviour });
    assert.equal(starting.stage, 'running');
    assert.equal(starting.ready, false);
    assert.equal(starting.wakeAtMs, 3000);
    const ready = at(3000, { behaviour });
    assert.deepEqual(
      { ready: ready.ready, since: ready.readySinceMs, wake: ready.wakeAtMs, run: ready.current },
      { ready: true, since: 3000, wake: undefined, run: { startedAtMs: 2000 } },
    );
  });

  it('runs a job container for its time and succeeds without restarting under Never', () => {
    const input = { behaviour: runFor(3000), restartPolicy: 'Never' as const };
    assert.equal(at(2999, input).stage, 'running');
    assert.equal(at(2999, input).wakeAtMs, 3000);
    const done = at(3000, input);
    assert.equal(done.stage, 'terminated');
    assert.deepEqual(done.current, { startedAtMs: 0, finishedAtMs: 3000, exitCode: 0 });
    assert.equal(done.ready, false);
    assert.equal(done.wakeAtMs, undefined);
  });

  it('finishes on exit 0 under OnFailure but restarts a failure', () => {
    assert.equal(at(10, { behaviour: runFor(5), restartPolicy: 'OnFailure' }).stage, 'terminated');
    const failed = at(10, { behaviour: fail(5), restartPolicy: 'OnFailure' });
    assert.equal(failed.stage, 'backoff');
    assert.equal(failed.backoffUntilMs, 5 + restartBackoffMs(0));
  });

  it('crash-loops under Always with doubling back-off and counts restarts', () => {
    const behaviour = fail(1000);
    // Run 0: 0..1000, back-off 10 s → run 1: 11000..12000, back-off 20 s → run 2 at 32000.
    const backoff = at(12_500, { behaviour });
    assert.equal(backoff.stage, 'backoff');
    assert.equal(backoff.restartCount, 1);
    assert.equal(backoff.backoffUntilMs, 32_000);
    assert.deepEqual(backoff.previous, { startedAtMs: 0, finishedAtMs: 1000, exitCode: 1 });
    const third = at(32_000, { behaviour });
    assert.equal(third.stage, 'running');
    assert.equal(third.restartCount, 2);
    assert.deepEqual(third.current, { startedAtMs: 32_000 });
    assert.equal(restartBackoffMs(10), 300_000);
  });

  it('never becomes ready under neverReady and never wakes', () => {
    const tl = at(1_000_000, { behaviour: neverReady() });
    assert.equal(tl.stage, 'running');
    assert.equal(tl.ready, false);
    assert.equal(tl.wakeAtMs, undefined);
  });

  it('stops a running pod at the kill with SIGTERM’s exit code, keeping the run', () => {
    const tl = at(9000, { killedAtMs: 5000 });
    assert.equal(tl.stage, 'terminated');
    assert.deepEqual(tl.current, {
      startedAtMs: 0,
      finishedAtMs: 5000,
      exitCode: KILLED_EXIT_CODE,
      killed: true,
    });
    assert.equal(tl.readySinceMs, 5000);
  });

  it('kills a pod that never started and leaves a finished one as it was', () => {
    const never = at(100, { behaviour: { startDelayMs: 1000 }, killedAtMs: 50 });
    assert.equal(never.stage, 'terminated');
    assert.equal(never.current, undefined);
    const finished = at(100, { behaviour: runFor(10), restartPolicy: 'Never', killedAtMs: 50 });
    assert.deepEqual(finished.current, { startedAtMs: 0, finishedAtMs: 10, exitCode: 0 });
  });

  it('is a pure function of its input', () => {
    const input = {
      behaviour: fail(700, 3),
      restartPolicy: 'Always' as const,
      acceptedAtMs: 5,
      nowMs: 99_999,
    };
    assert.deepEqual(podTimeline(input), podTimeline({ ...input }));
  });
});
