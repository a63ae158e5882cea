/**
 * One write inside an open transaction. Existence and revision checks read the key's newest row
 * in the same transaction as the insert, so no other write can slip between check and insert.
 */
import { AlreadyExistsError, ConflictError, NotFoundError } from '@wisp/core';
import type { KeyValue, WatchEvent, WispError } from '@wisp/core';
import type { LatestRow } from './sqlite-rows.ts';
import { toKeyValue } from './sqlite-rows.ts';
import { INSERT_SQL, LATEST_SQL } from './sqlite-statements.ts';
import type { StatementCache } from './sqlite-statements.ts';

export type WriteOp =
  | { readonly kind: 'create'; readonly key: string; readonly value: string }
  | {
      readonly kind: 'update';
      readonly key: string;
      readonly value: string;
      readonly expectedRevision: number;
    }
  | { readonly kind: 'delete'; readonly key: string; readonly expectedRevision?: number };

/** The event the write produced, or the reason it was refused (nothing was written). */
export function applyWrite(
  statements: StatementCache,
  op: WriteOp,
  revision: number,
): WatchEvent | WispError {
  const latest = statements.get(LATEST_SQL).get(op.key) as LatestRow | undefined;
  const live = latest && !latest.deleted ? latest : undefined;
  const insert = (created: boolean, deleted: boolean, createRevision: number, value: string) =>
    statements
      .get(INSERT_SQL)
      .run(
        revision,
        op.key,
        created ? 1 : 0,
        deleted ? 1 : 0,
        createRevision,
        latest?.id ?? 0,
        value,
      );
  if (op.kind === 'create') {
    if (live) return new AlreadyExistsError(`${op.key}: already exists`);
    insert(true, false, revision, op.value);
    const kv = { key: op.key, value: op.value, createRevision: revision, modRevision: revision };
    return { type: 'create', kv, revision };
  }
  if (!live) return new NotFoundError(`${op.key}: not found`);
  const expected = op.expectedRevision;
  if (expected !== undefined && expected !== live.id) {
    return new ConflictError(`${op.key}: revision is ${live.id}, expected ${expected}`);
  }
  const prev = toKeyValue(op.key, live);
  const value = op.kind === 'update' ? op.value : live.value;
  insert(false, op.kind === 'delete', live.createRevision, value);
  const kv: KeyValue = {
    key: op.key,
    value,
    createRevision: live.createRevision,
    modRevision: revision,
  };
  return { type: op.kind, kv, prev, revision };
}
