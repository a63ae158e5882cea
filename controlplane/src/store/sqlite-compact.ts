/**
 * Compaction deletes, in chunks of revisions, the rows no read at or after the compact revision
 * can see. The compact revision is recorded first, in its own transaction: from then on reads
 * below it are refused, so rows can go in any order and a crash part-way loses nothing that is
 * still readable (the next compaction finishes the job). The writes run on the store's writer;
 * the loop over chunks runs on the main thread so commits interleave with a long compaction.
 */
import type { DatabaseSync } from 'node:sqlite';
import { StoreUnavailableError } from './errors.ts';
import { BEGIN_SQL, COMMIT_SQL, COMPACT_DELETE_SQL, SET_COMPACT_SQL } from './sqlite-statements.ts';
import type { StatementCache } from './sqlite-statements.ts';

function inTransaction(db: DatabaseSync, statements: StatementCache, work: () => void): void {
  try {
    statements.get(BEGIN_SQL).run();
    work();
    statements.get(COMMIT_SQL).run();
  } catch (e) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw new StoreUnavailableError(`compact failed: ${(e as Error).message}`, { cause: e });
  }
}

export function recordCompactRevision(
  db: DatabaseSync,
  statements: StatementCache,
  revision: number,
): void {
  inTransaction(db, statements, () => statements.get(SET_COMPACT_SQL).run(revision));
}

/** Deletes what compaction at `revision` may drop among the rows with ids in (lo, hi]. */
export function deleteSupersededChunk(
  db: DatabaseSync,
  statements: StatementCache,
  chunk: { readonly lo: number; readonly hi: number; readonly revision: number },
): void {
  inTransaction(db, statements, () =>
    statements.get(COMPACT_DELETE_SQL).run({ lo: chunk.lo, hi: chunk.hi, rev: chunk.revision }),
  );
}

/** Lets other work (requests, commits) run between chunks of a long compaction. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface DeleteSupersededInit {
  readonly compactChunkRevisions: number;
  /** The oldest row's id, or null for an empty log. */
  readonly minId: number | null;
  /** Checked between chunks: a closing store stops compacting. */
  isOpen(): boolean;
  /** Runs one chunk on the writer. */
  deleteChunk(lo: number, hi: number): Promise<void>;
}

export async function deleteSuperseded(
  revision: number,
  init: DeleteSupersededInit,
): Promise<void> {
  const chunk = Math.max(1, init.compactChunkRevisions);
  for (let lo = (init.minId ?? revision) - 1; lo < revision; lo += chunk) {
    if (!init.isOpen()) return;
    await init.deleteChunk(lo, Math.min(lo + chunk, revision));
    await yieldToEventLoop();
  }
}
