import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import type { InstanceThread } from './instance-thread.ts';
import { createSpareWorkers, type SpareWorkersInit } from './spare-workers.ts';

const capA = { maxOldGenerationSizeMb: 32 };
const capB = { maxOldGenerationSizeMb: 48 };

/** A pool on a fake clock, closed (with every thread taken from it) after `body`. */
async function withPool(
  init: SpareWorkersInit,
  body: (p: {
    pool: ReturnType<typeof createSpareWorkers>;
    clock: FakeClock;
    take: (cap: typeof capA) => InstanceThread;
  }) => Promise<void>,
): Promise<void> {
  const clock = new FakeClock();
  // One spare per cap unless a test says otherwise: counts stay small and obvious.
  const pool = createSpareWorkers({ sparesPerKeyMax: 1, ...init }, { clock });
  const taken: InstanceThread[] = [];
  const take = (cap: typeof capA) => {
    const thread = pool.take(cap);
    taken.push(thread);
    return thread;
  };
  try {
    await body({ pool, clock, take });
  } finally {
    await pool.close();
    await Promise.all(taken.map((t) => t.worker.terminate()));
  }
}

async function end(thread: InstanceThread): Promise<void> {
  const exited = once(thread.worker, 'exit');
  await thread.worker.terminate();
  await exited;
}

describe('createSpareWorkers', () => {
  it('hands out a loaded spare of the same heap cap', async () => {
    await withPool({}, async ({ pool, take }) => {
      pool.prestart(capA);
      await pool.settled();
      assert.equal(pool.size, 1);
      const thread = take(capA);
      assert.deepEqual(pool.stats, { hits: 1, misses: 0, started: 1, released: 0 });
      await thread.ready;
    });
  });

  it('replaces a taken spare only once its instance is up, not while it starts', async () => {
    await withPool({}, async ({ pool, take }) => {
      pool.prestart(capA);
      await pool.settled();
      const thread = take(capA);
      assert.equal(pool.size, 0);
      // A thread that ends counts as up (as do instance-started, instance-exit, http-ready).
      await end(thread);
      assert.equal(pool.size, 1);
      await pool.settled();
      assert.equal(pool.stats.started, 2);
    });
  });

  it('starts a thread of its own when no spare has the heap cap asked for', async () => {
    await withPool({}, async ({ pool, take }) => {
      pool.prestart(capA);
      await pool.settled();
      const thread = take(capB);
      assert.equal(pool.stats.misses, 1);
      assert.equal(pool.stats.hits, 0);
      await thread.ready;
      assert.equal(pool.size, 1, 'the spare of the other cap is kept');
    });
  });

  it('ends the spares of a heap cap nobody took within idleMs', async () => {
    await withPool({ idleMs: 1000 }, async ({ pool, clock }) => {
      pool.prestart(capA);
      await pool.settled();
      clock.advance(999);
      assert.equal(pool.size, 1);
      clock.advance(1);
      assert.equal(pool.size, 0);
      assert.equal(pool.stats.released, 1);
    });
  });

  it('keeps spares of at most keysMax heap caps, the most recently asked for', async () => {
    await withPool({ keysMax: 1 }, async ({ pool }) => {
      pool.prestart(capA);
      pool.prestart(capB);
      await pool.settled();
      assert.equal(pool.size, 1);
      assert.equal(pool.stats.released, 1);
    });
  });

  it('keeps at most sparesPerKeyMax spares per heap cap', async () => {
    await withPool({ sparesPerKeyMax: 2 }, async ({ pool }) => {
      pool.prestart(capA);
      pool.prestart(capA);
      await pool.settled();
      assert.equal(pool.size, 2);
      assert.equal(pool.stats.started, 2);
    });
  });

  it('ends every spare on close and starts threads of their own afterwards', async () => {
    await withPool({}, async ({ pool, take }) => {
      pool.prestart(capA);
      await pool.settled();
      await pool.close();
      assert.equal(pool.size, 0);
      await take(capA).ready;
      assert.deepEqual(pool.stats, { hits: 0, misses: 1, started: 1, released: 1 });
    });
  });
});
