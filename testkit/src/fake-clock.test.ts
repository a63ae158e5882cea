import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fake-clock.ts';

describe('FakeClock', () => {
  it('starts at the given wall and monotonic times and moves only on advance', () => {
    const clock = new FakeClock({ nowMs: 1_000_000, monotonicMs: 50 });
    assert.equal(clock.now(), 1_000_000);
    assert.equal(clock.monotonic(), 50);
    clock.advance(250);
    assert.equal(clock.now(), 1_000_250);
    assert.equal(clock.monotonic(), 300);
  });

  it('steps the wall clock without moving monotonic time or firing timers', () => {
    const clock = new FakeClock({ nowMs: 0 });
    let fired = false;
    clock.setTimeout(() => (fired = true), 10);
    clock.setNow(5_000);
    assert.equal(clock.now(), 5_000);
    assert.equal(clock.monotonic(), 0);
    assert.equal(fired, false);
  });

  it('fires due timers in due order, ties in the order they were set, each at its own time', () => {
    const clock = new FakeClock({ nowMs: 0 });
    const seen: string[] = [];
    const at = (name: string) => () => seen.push(`${name}@${clock.monotonic()}`);
    clock.setTimeout(at('c'), 30);
    clock.setTimeout(at('a'), 10);
    clock.setTimeout(at('b1'), 20);
    clock.setTimeout(at('b2'), 20);
    clock.setTimeout(at('late'), 31);
    clock.advance(30);
    assert.deepEqual(seen, ['a@10', 'b1@20', 'b2@20', 'c@30']);
    assert.equal(clock.pendingTimers().length, 1);
  });

  it('fires a timer set by a callback when it falls inside the same advance', () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.monotonic());
      clock.setTimeout(() => seen.push(clock.monotonic()), 5);
    }, 5);
    clock.advance(10);
    assert.deepEqual(seen, [5, 10]);
  });

  it('re-arms intervals until cleared', () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const handle = clock.setInterval(() => seen.push(clock.monotonic()), 100);
    clock.advance(350);
    assert.deepEqual(seen, [100, 200, 300]);
    assert.deepEqual(clock.pendingTimers(), [{ id: handle.id, dueMs: 400, intervalMs: 100 }]);
    clock.clearInterval(handle);
    clock.advance(1_000);
    assert.deepEqual(seen, [100, 200, 300]);
    assert.deepEqual(clock.pendingTimers(), []);
  });

  it('treats a zero interval as one millisecond so advance terminates', () => {
    const clock = new FakeClock();
    let n = 0;
    clock.setInterval(() => n++, 0);
    clock.advance(5);
    assert.equal(n, 5);
  });

  it('does not fire cleared timeouts', () => {
    const clock = new FakeClock();
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 10);
    clock.clearTimeout(handle);
    clock.clearTimeout(undefined);
    clock.advance(20);
    assert.equal(fired, false);
  });

  it('resolves sleeps when time reaches them', async () => {
    const clock = new FakeClock();
    let done = false;
    const slept = clock.sleep(1_000).then(() => (done = true));
    clock.advance(999);
    await Promise.resolve();
    assert.equal(done, false);
    clock.advance(1);
    await slept;
    assert.equal(done, true);
  });

  it('rejects a sleep with the signal reason when aborted, and clears its timer', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const slept = clock.sleep(1_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(slept, /stop/);
    assert.deepEqual(clock.pendingTimers(), []);
  });

  it('rejects a sleep at once when the signal is already aborted', async () => {
    const clock = new FakeClock();
    await assert.rejects(clock.sleep(10, AbortSignal.abort(new Error('gone'))), /gone/);
  });

  it('aborts a timeout signal with a TimeoutError when its time comes', () => {
    const clock = new FakeClock();
    const signal = clock.timeoutSignal(500);
    clock.advance(499);
    assert.equal(signal.aborted, false);
    clock.advance(1);
    assert.equal(signal.aborted, true);
    assert.equal((signal.reason as DOMException).name, 'TimeoutError');
  });

  it('lets awaited continuations set timers that fire in the same advanceAsync', async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(100);
        seen.push(clock.monotonic());
      }
    };
    const running = loop();
    await clock.advanceAsync(300);
    await running;
    assert.deepEqual(seen, [100, 200, 300]);
  });
});
