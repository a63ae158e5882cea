import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WatchEvent } from '@wisp/core';
import { GroupCommitter } from './group-commit.ts';
import type { StoreWriter } from './store-writer.ts';
import type { CommitResult, WriterCommand } from './writer-protocol.ts';

interface Call {
  readonly ops: string[];
  readonly baseRevision: number;
  finish(): void;
}

/** A writer whose commits finish when the test says, creating every key it is given. */
function manualWriter(): { writer: StoreWriter; calls: Call[] } {
  const calls: Call[] = [];
  const writer: StoreWriter = {
    run: (command: WriterCommand) =>
      new Promise<CommitResult | undefined>((resolve) => {
        if (command.kind !== 'commit') return resolve(undefined);
        const base = command.baseRevision;
        const outcomes = command.ops.map((op, i) => ({
          event: {
            type: 'create' as const,
            kv: { key: op.key, value: '', createRevision: base + i + 1, modRevision: base + i + 1 },
            revision: base + i + 1,
          },
        }));
        const finish = () => resolve({ revision: base + outcomes.length, outcomes });
        calls.push({ ops: command.ops.map((op) => op.key), baseRevision: base, finish });
      }),
    close: async () => undefined,
  };
  return { writer, calls };
}

function committer(writer: StoreWriter, log: string[]): GroupCommitter {
  let revision = 0;
  return new GroupCommitter(
    writer,
    { writeBatchOpsMax: 100 },
    {
      revision: () => revision,
      committed: (next, events: readonly WatchEvent[]) => {
        revision = next;
        log.push(`publish ${events.map((e) => e.revision).join(',')}`);
      },
    },
  );
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const create = (key: string) => ({ kind: 'create' as const, key, value: '' });

describe('GroupCommitter', () => {
  it('commits the writes submitted while a commit is in flight together, next', async () => {
    const { writer, calls } = manualWriter();
    const log: string[] = [];
    const group = committer(writer, log);
    const first = group.submit(create('/a'));
    await turn();
    const rest = ['/b', '/c', '/d'].map((key) => group.submit(create(key)));
    await turn();
    assert.deepEqual(
      calls.map((c) => c.ops),
      [['/a']],
    );
    calls[0].finish();
    assert.equal((await first).revision, 1);
    await turn();
    assert.deepEqual(calls[1], { ...calls[1], ops: ['/b', '/c', '/d'], baseRevision: 1 });
    calls[1].finish();
    assert.deepEqual(
      (await Promise.all(rest)).map((e) => e.revision),
      [2, 3, 4],
    );
    assert.deepEqual(log, ['publish 1', 'publish 2,3,4']);
  });

  it('publishes a commit to watchers before acknowledging its writes', async () => {
    const { writer, calls } = manualWriter();
    const log: string[] = [];
    const group = committer(writer, log);
    const acked = group.submit(create('/a')).then(() => log.push('ack'));
    await turn();
    calls[0].finish();
    await acked;
    assert.deepEqual(log, ['publish 1', 'ack']);
  });

  it('drains the commit in flight and everything queued behind it', async () => {
    const { writer, calls } = manualWriter();
    const group = committer(writer, []);
    const writes = [group.submit(create('/a'))];
    await turn();
    writes.push(group.submit(create('/b')));
    let drained = false;
    const drain = group.drain().then(() => (drained = true));
    calls[0].finish();
    await turn();
    assert.equal(drained, false);
    calls[1].finish();
    await drain;
    assert.deepEqual(
      (await Promise.all(writes)).map((e) => e.revision),
      [1, 2],
    );
  });
});
