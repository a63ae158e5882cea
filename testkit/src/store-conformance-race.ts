/**
 * A writer loop with watches started at random moments while it runs. Every watch must see
 * exactly the writes after its start revision: the seam between a watch's catch-up from history
 * and its live feed is where stores lose or repeat events.
 */
import assert from 'node:assert/strict';
import type { Random, Store, WatchEvent } from '@wisp/core';
import { collectUntil, summary } from './store-conformance-helpers.ts';

const ROUNDS = 60;
const KEYS = 12;
const WRITES_PER_ROUND_MAX = 4;

interface Written {
  readonly revision: number;
  readonly type: string;
  readonly key: string;
}

export async function runRacingWriter(s: Store, random: Random, seed: number): Promise<void> {
  const prefix = `/race/${seed}/`;
  const endKey = `${prefix}~end`;
  const live = new Map<string, number>();
  const written: Written[] = [];
  const watches: Promise<{ from: number; events: WatchEvent[] }>[] = [];
  const startWatch = async (): Promise<{ from: number; events: WatchEvent[] }> => {
    const from = Math.max(0, (await s.currentRevision()) - random.int(4));
    const events = await collectUntil(s, prefix, from, (e) => e.some((x) => x.kv.key === endKey));
    return { from, events };
  };
  const writeOne = async (key: string): Promise<void> => {
    const rev = live.get(key);
    if (rev === undefined) {
      const created = await s.create(key, 'v0');
      live.set(key, created);
      written.push({ revision: created, type: 'create', key });
    } else if (random.int(3) === 0) {
      const deleted = await s.delete(key, rev);
      live.delete(key);
      written.push({ revision: deleted.deleteRevision, type: 'delete', key });
    } else {
      const kv = await s.update(key, `v${rev}`, rev);
      live.set(key, kv.modRevision);
      written.push({ revision: kv.modRevision, type: 'update', key });
    }
  };
  watches.push(startWatch());
  for (let round = 0; round < ROUNDS; round++) {
    // Not awaited: the watch opens while this round's writes are being committed.
    if (round % 20 === 10 || random.int(6) === 0) watches.push(startWatch());
    const keys = new Set<string>();
    const n = 1 + random.int(WRITES_PER_ROUND_MAX);
    while (keys.size < n) keys.add(`${prefix}k${random.int(KEYS)}`);
    await Promise.all([...keys].map(writeOne));
  }
  written.push({ revision: await s.create(endKey, 'end'), type: 'create', key: endKey });
  written.sort((a, b) => a.revision - b.revision);
  for (const { from, events } of await Promise.all(watches)) {
    const expected = written
      .filter((w) => w.revision > from)
      .map((w) => [w.revision, w.type, w.key]);
    assert.deepEqual(summary(events), expected, `seed ${seed}: watch from revision ${from}`);
  }
}
