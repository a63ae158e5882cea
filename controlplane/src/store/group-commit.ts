/**
 * Group commit: writes submitted in the same turn of the event loop share one transaction and so
 * one fsync. A lone writer that awaits each write still gets one transaction per write; many
 * concurrent writers (controllers, status updates from a fleet) get far more writes per fsync.
 * Each write keeps its own checks and outcome: one refused write does not fail its neighbours.
 */
import type { DatabaseSync } from 'node:sqlite';
import { WispError } from '@wisp/core';
import type { WatchEvent } from '@wisp/core';
import { StoreUnavailableError } from './errors.ts';
import { applyWrite } from './sqlite-write.ts';
import type { WriteOp } from './sqlite-write.ts';
import { BEGIN_SQL, COMMIT_SQL } from './sqlite-statements.ts';
import type { StatementCache } from './sqlite-statements.ts';

export interface GroupCommitInit {
  /** Writes per transaction; bounds how long one commit holds the event loop. */
  readonly writeBatchOpsMax: number;
}

/** Where committed writes go: the store's revision counter and its watchers. */
export interface CommitSink {
  revision(): number;
  committed(revision: number, events: readonly WatchEvent[]): void;
}

interface Pending {
  readonly op: WriteOp;
  resolve(event: WatchEvent): void;
  reject(error: unknown): void;
}

export class GroupCommitter {
  readonly #db: DatabaseSync;
  readonly #statements: StatementCache;
  readonly #init: GroupCommitInit;
  readonly #sink: CommitSink;
  #pending: Pending[] = [];
  #scheduled = false;

  constructor(
    db: DatabaseSync,
    statements: StatementCache,
    init: GroupCommitInit,
    sink: CommitSink,
  ) {
    this.#db = db;
    this.#statements = statements;
    this.#init = init;
    this.#sink = sink;
  }

  submit(op: WriteOp): Promise<WatchEvent> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ op, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // After the I/O phase rather than at the end of this tick: requests that arrived in the
      // same poll (for instance while the previous commit's fsync held the loop) share a commit.
      setImmediate(() => this.drain());
    });
  }

  /** Commits everything submitted so far (close() calls it so accepted writes land). */
  drain(): void {
    this.#scheduled = false;
    while (this.#pending.length > 0) {
      this.#commit(this.#pending.splice(0, Math.max(1, this.#init.writeBatchOpsMax)));
    }
  }

  #commit(batch: Pending[]): void {
    let revision = this.#sink.revision();
    const outcomes: (WatchEvent | WispError)[] = [];
    try {
      this.#statements.get(BEGIN_SQL).run();
      for (const p of batch) {
        const outcome = applyWrite(this.#statements, p.op, revision + 1);
        if (!(outcome instanceof WispError)) revision = outcome.revision;
        outcomes.push(outcome);
      }
      this.#statements.get(COMMIT_SQL).run();
    } catch (e) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      const error = new StoreUnavailableError(`write failed: ${(e as Error).message}`, {
        cause: e,
      });
      for (const p of batch) p.reject(error);
      return;
    }
    const events = outcomes.filter((o): o is WatchEvent => !(o instanceof WispError));
    this.#sink.committed(revision, events);
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof WispError) p.reject(outcome);
      else p.resolve(outcome);
    });
  }
}
