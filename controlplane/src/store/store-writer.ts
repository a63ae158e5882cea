/**
 * Where the SQLite store's writes run. A file database writes from a worker thread with its own
 * connection (WAL lets the main thread's reads see each commit); `:memory:` cannot be shared
 * between connections, so it writes inline on the reading connection.
 */
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from './errors.ts';
import type { PragmaInit } from './sqlite-schema.ts';
import type { StatementCache } from './sqlite-statements.ts';
import { executeCommand } from './sqlite-writer.ts';
import type { CommitResult, WriterCommand, WriterReply, WriterRequest } from './writer-protocol.ts';

export interface StoreWriter {
  /** Settles once the command's transaction committed (or failed and rolled back). */
  run(command: WriterCommand): Promise<CommitResult | undefined>;
  /** Call with nothing outstanding: ends the writer and its connection. */
  close(): Promise<void>;
}

export function inlineWriter(db: DatabaseSync, statements: StatementCache): StoreWriter {
  return {
    run: async (command) => executeCommand(db, statements, command),
    close: async () => undefined,
  };
}

interface Waiting {
  resolve(result: CommitResult | undefined): void;
  reject(error: Error): void;
}

export class WorkerWriter implements StoreWriter {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, Waiting>();
  readonly #exited: Promise<void>;
  #nextId = 1;
  #failure: StoreUnavailableError | undefined;

  constructor(init: PragmaInit) {
    this.#worker = new Worker(new URL('./sqlite-writer-worker.ts', import.meta.url), {
      workerData: { path: init.path, busyTimeoutMs: init.busyTimeoutMs },
    });
    // An idle writer must not keep the process alive; #request refs it while a reply is due.
    this.#worker.unref();
    this.#worker.on('message', (reply: WriterReply) => this.#settle(reply));
    this.#worker.on('error', (e: Error) =>
      this.#fail(new StoreUnavailableError(`writer failed: ${e.message}`, { cause: e })),
    );
    this.#exited = new Promise((resolve) =>
      this.#worker.once('exit', (code: number) => {
        this.#fail(new StoreUnavailableError(`writer exited (code ${code})`));
        resolve();
      }),
    );
  }

  run(command: WriterCommand): Promise<CommitResult | undefined> {
    return this.#request((id) => ({ id, command }));
  }

  async close(): Promise<void> {
    if (!this.#failure) await this.#request((id) => ({ id, close: true }));
    // Held until the thread is gone: unref'd, the process could exit first and close() would
    // never settle.
    this.#worker.ref();
    await this.#exited;
  }

  #request(build: (id: number) => WriterRequest): Promise<CommitResult | undefined> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      if (this.#waiting.size === 1) this.#worker.ref();
      this.#worker.postMessage(build(id));
    });
  }

  #settle(reply: WriterReply): void {
    const waiting = this.#waiting.get(reply.id);
    if (!waiting) return;
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) this.#worker.unref();
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(new StoreUnavailableError(reply.message));
  }

  #fail(error: StoreUnavailableError): void {
    this.#failure ??= error;
    for (const waiting of this.#waiting.values()) waiting.reject(this.#failure);
    this.#waiting.clear();
  }
}
