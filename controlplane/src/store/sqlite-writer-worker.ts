/**
 * Worker-thread entry: owns the store's writing connection so each commit's fsync blocks this
 * thread, not the event loop serving requests. Handles one request at a time, in arrival order,
 * which is what keeps commits and compaction chunks serialized.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { prepareDatabase } from './sqlite-schema.ts';
import type { PragmaInit } from './sqlite-schema.ts';
import { StatementCache } from './sqlite-statements.ts';
import { executeCommand } from './sqlite-writer.ts';
import type { WriterReply, WriterRequest } from './writer-protocol.ts';

const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker: must run in a worker thread');

const db = new DatabaseSync((workerData as PragmaInit).path);
prepareDatabase(db, workerData as PragmaInit);
const statements = new StatementCache(db);

port.on('message', (request: WriterRequest) => {
  if ('close' in request) {
    db.close();
    port.postMessage({ id: request.id, ok: true } satisfies WriterReply);
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = { id: request.id, ok: true, result: executeCommand(db, statements, request.command) };
  } catch (e) {
    reply = { id: request.id, ok: false, message: (e as Error).message };
  }
  port.postMessage(reply);
});
