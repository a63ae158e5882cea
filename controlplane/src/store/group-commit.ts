/**
 * Group commit: one commit is in flight on the writer at a time, and every write submitted
 * meanwhile joins the next one, so many concurrent writers (controllers, status updates from a
 * fleet) share each fsync while the main thread keeps serving. A lone writer that awaits each
 * write still gets one transaction per write. Each write keeps its own checks and outcome: one
 * refused write does not fail its neighbours. A write is acknowledged only after its commit.
 */
import { WispError } from '@wisp/core';
import type { WatchEvent } from '@wisp/core';
import { StoreUnavailableError } from './errors.ts';
import type { StoreWriter } from './store-writer.ts';
import type { WriteOp } from './sqlite-write.ts';
import { decodeOutcome } from './writer-protocol.ts';

export interface GroupCommitInit {
  /** Writes per transaction; bounds how long one commit holds the writer. */
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
  readonly #writer: StoreWriter;
  readonly #init: GroupCommitInit;
  readonly #sink: CommitSink;
  #pending: Pending[] = [];
  #scheduled = false;
  #inFlight: Promise<void> | undefined;

  constructor(writer: StoreWriter, init: GroupCommitInit, sink: CommitSink) {
    this.#writer = writer;
    this.#init = init;
    this.#sink = sink;
  }

  submit(op: WriteOp): Promise<WatchEvent> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ op, resolve, reject });
      if (this.#scheduled || this.#inFlight) return;
      this.#scheduled = true;
      // After the I/O phase rather than at the end of this tick: requests that arrived in the
      // same poll share the first commit too.
      setImmediate(() => {
        this.#scheduled = false;
        this.#next();
      });
    });
  }

  /** Settles once everything submitted so far has committed (close() waits for it). */
  async drain(): Promise<void> {
    while (this.#inFlight || this.#pending.length > 0) {
      if (!this.#inFlight) this.#next();
      await this.#inFlight;
    }
  }

  #next(): void {
    if (this.#inFlight || this.#pending.length === 0) return;
    const batch = this.#pending.splice(0, Math.max(1, this.#init.writeBatchOpsMax));
    this.#inFlight = this.#commit(batch).finally(() => {
      this.#inFlight = undefined;
      this.#next();
    });
  }

  async #commit(batch: Pending[]): Promise<void> {
    let outcomes: (WatchEvent | WispError)[];
    let revision: number;
    try {
      const command = { kind: 'commit' as const, ops: batch.map((p) => p.op) };
      const result = await this.#writer.run({ ...command, baseRevision: this.#sink.revision() });
      if (!result) throw new Error('commit returned no result');
      outcomes = result.outcomes.map(decodeOutcome);
      revision = result.revision;
    } catch (e) {
      const error =
        e instanceof StoreUnavailableError
          ? e
          : new StoreUnavailableError(`write failed: ${(e as Error).message}`, { cause: e });
      for (const p of batch) p.reject(error);
      return;
    }
    const events = outcomes.filter((o): o is WatchEvent => !(o instanceof WispError));
    // Before the next commit reads the revision, and before any writer hears back.
    this.#sink.committed(revision, events);
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof WispError) p.reject(outcome);
      else p.resolve(outcome);
    });
  }
}
