/**
 * Acknowledged writes survive a crash: a child process writes to a SQLite store and is killed
 * with SIGKILL at a seeded random point; the store, reopened, must hold every acknowledged key
 * with its value, and its revisions must run without a gap.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { seededRandom } from '@wisp/core';
import { openSqliteStore } from '@wisp/controlplane/store/sqlite-store.ts';
import { durableKey, durableValue } from './fixtures/store-writer.ts';

const SEED = Number(process.env.WISP_TEST_SEED ?? 20_250_101);
const RUNS = 20;
const ACKS_BEFORE_KILL_MAX = 1_500;
/** More than the child can write before it is killed, so every run ends in a kill. */
const KEYS_MAX = 1_000_000;
const WRITER = join(import.meta.dirname, 'fixtures', 'store-writer.ts');

/** Starts the writer, kills it after `killAfterAcks` acknowledgements, returns what was acked. */
async function writeAndKill(
  path: string,
  seed: number,
  killAfterAcks: number,
): Promise<Map<number, number>> {
  const child = spawn(process.execPath, [WRITER, path, String(seed), String(KEYS_MAX)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const acked = new Map<number, number>();
  for await (const line of createInterface({ input: child.stdout })) {
    const [word, n, revision] = line.split(' ');
    assert.equal(word, 'ack', `unexpected writer output: ${line}`);
    acked.set(Number(n), Number(revision));
    if (acked.size >= killAfterAcks) {
      child.kill('SIGKILL');
      break;
    }
  }
  assert.equal(await exited, 'SIGKILL', 'the writer was killed mid-stream, not finished');
  return acked;
}

async function checkReopened(path: string, acked: Map<number, number>, why: string): Promise<void> {
  const store = openSqliteStore({ path });
  try {
    for (const [n, revision] of acked) {
      const kv = await store.get(durableKey(n));
      assert.ok(kv, `${why}: acknowledged key ${n} is missing`);
      assert.equal(kv.value, durableValue(n), `${why}: key ${n}`);
      assert.equal(kv.modRevision, revision, `${why}: key ${n}`);
    }
    // Keys were created in order, one revision each: whatever survived is a prefix of them.
    const { items, revision } = await store.list('/durable/');
    assert.ok(items.length >= acked.size, why);
    items.forEach((kv, i) => {
      assert.equal(kv.key, durableKey(i), `${why}: no gap in keys`);
      assert.equal(kv.modRevision, i + 1, `${why}: no gap in revisions`);
    });
    assert.equal(revision, items.length, `${why}: current revision is the last write`);
    assert.equal(await store.create(durableKey(items.length), 'after'), revision + 1, why);
  } finally {
    await store.close();
  }
}

describe('SQLite store durability', () => {
  it(
    'keeps every acknowledged write across SIGKILL, 20 seeded runs',
    { timeout: 60_000 },
    async () => {
      const random = seededRandom(SEED);
      const dir = await mkdtemp(join(tmpdir(), 'wisp-store-durability-'));
      try {
        for (let run = 0; run < RUNS; run++) {
          const seed = random.int(2 ** 31);
          const killAfter = 1 + random.int(ACKS_BEFORE_KILL_MAX);
          const path = join(dir, `run-${run}.db`);
          const why = `seed ${SEED} run ${run} (writer seed ${seed}, kill after ${killAfter} acks)`;
          const acked = await writeAndKill(path, seed, killAfter);
          await checkReopened(path, acked, why);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
