/**
 * The store's write side, run by whichever thread owns the writing connection: group commits
 * (BEGIN IMMEDIATE, each write's checks and insert, COMMIT) and compaction's writes. Synchronous:
 * node:sqlite blocks for the fsync, which is why the store runs this in a worker thread.
 */
import type { DatabaseSync } from 'node:sqlite';
import { WispError } from '@wisp/core';
import { StoreUnavailableError } from './errors.ts';
import { deleteSupersededChunk, recordCompactRevision } from './sqlite-compact.ts';
import { BEGIN_SQL, COMMIT_SQL } from './sqlite-statements.ts';
import type { StatementCache } from './sqlite-statements.ts';
import { applyWrite } from './sqlite-write.ts';
import type { WriteOp } from './sqlite-write.ts';
import { encodeOutcome } from './writer-protocol.ts';
import type { CommitResult, EncodedOutcome, WriterCommand } from './writer-protocol.ts';

/** Runs one command; throws StoreUnavailableError, with nothing written, when the database fails. */
export function executeCommand(
  db: DatabaseSync,
  statements: StatementCache,
  command: WriterCommand,
): CommitResult | undefined {
  switch (command.kind) {
    case 'commit':
      return commitBatch(db, statements, command.ops, command.baseRevision);
    case 'record-compact':
      recordCompactRevision(db, statements, command.revision);
      return undefined;
    case 'delete-superseded':
      deleteSupersededChunk(db, statements, command);
      return undefined;
  }
}

/** One transaction, one fsync; each write keeps its own checks, so a refusal spares the rest. */
function commitBatch(
  db: DatabaseSync,
  statements: StatementCache,
  ops: readonly WriteOp[],
  baseRevision: number,
): CommitResult {
  let revision = baseRevision;
  const outcomes: EncodedOutcome[] = [];
  try {
    statements.get(BEGIN_SQL).run();
    for (const op of ops) {
      const outcome = applyWrite(statements, op, revision + 1);
      if (!(outcome instanceof WispError)) revision = outcome.revision;
      outcomes.push(encodeOutcome(outcome));
    }
    statements.get(COMMIT_SQL).run();
  } catch (e) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw new StoreUnavailableError(`write failed: ${(e as Error).message}`, { cause: e });
  }
  return { revision, outcomes };
}
