import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@wisp/testkit';
import { WorkQueue } from './work-queue.ts';

describe('WorkQueue', () => {
  it('hands out each key once however often it is added', async () => {
    const q = new WorkQueue({}, new FakeClock());
    q.add('a');
    q.add('a');
    q.add('b');
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.length(), 0);
  });

  it('runs a key again when it was added while being processed', async () => {
    const q = new WorkQueue({}, new FakeClock());
    q.add('a');
    const key = await q.get();
    q.add('a');
    assert.equal(q.length(), 0, 'not handed to a second worker meanwhile');
    q.done(key!);
    assert.equal(await q.get(), 'a');
  });

  it('backs off exponentially up to the cap and forgets on success', () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ backoffBaseMs: 10, backoffMaxMs: 50 }, clock);
    assert.deepEqual([q.retry('k'), q.retry('k'), q.retry('k'), q.retry('k')], [10, 20, 40, 50]);
    q.forget('k');
    assert.equal(q.retry('k'), 10);
  });

  it('delivers a delayed key only when the clock reaches it', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({}, clock);
    q.addAfter('late', 1000);
    clock.advance(999);
    assert.equal(q.length(), 0);
    clock.advance(1);
    assert.equal(await q.get(), 'late');
  });

  it('wakes waiting workers with undefined on shutdown', async () => {
    const q = new WorkQueue({}, new FakeClock());
    const pending = q.get();
    q.shutdown();
    assert.equal(await pending, undefined);
  });
});
