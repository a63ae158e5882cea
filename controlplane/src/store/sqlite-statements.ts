/**
 * Every SQL statement the SQLite store runs, prepared once per text and reused: preparing costs
 * more than executing for the single-row statements on the write path.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { COMPACT_REVISION_KEY } from './sqlite-schema.ts';

export class StatementCache {
  readonly #db: DatabaseSync;
  readonly #prepared = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  get(sql: string): StatementSync {
    let st = this.#prepared.get(sql);
    if (!st) {
      st = this.#db.prepare(sql);
      this.#prepared.set(sql, st);
    }
    return st;
  }
}

export const BEGIN_SQL = 'BEGIN IMMEDIATE';
export const COMMIT_SQL = 'COMMIT';
export const ROLLBACK_SQL = 'ROLLBACK';

export const LATEST_SQL = `SELECT id, deleted, create_revision AS createRevision, value
FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1`;

/**
 * A key's newest row at a revision. Reads bound by the revision the main thread has published,
 * not by what the writer has already committed, so a read never runs ahead of watch.
 */
export const LATEST_AT_SQL = `SELECT id, deleted, create_revision AS createRevision, value
FROM kv WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`;

export const INSERT_SQL = `INSERT INTO kv
(id, name, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?, ?)`;

export const SET_COMPACT_SQL = `INSERT INTO meta (key, value) VALUES ('${COMPACT_REVISION_KEY}', ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value`;

export const MIN_ID_SQL = 'SELECT MIN(id) AS id FROM kv';

/** Rows in (lo, hi] that no read at or after `rev` can see: superseded by then, or tombstones. */
export const COMPACT_DELETE_SQL = `DELETE FROM kv
WHERE id > :lo AND id <= :hi AND (deleted = 1 OR EXISTS (
  SELECT 1 FROM kv AS n WHERE n.name = kv.name AND n.id > kv.id AND n.id <= :rev))`;

/** Which end of a key range a query has; each shape is its own prepared statement. */
export interface RangeShape {
  /** `name >= :lo` when true, `name > :lo` (continuing after a key) when false. */
  readonly lowerInclusive: boolean;
  /** `name < :hi`; absent for the empty prefix. */
  readonly hasUpper: boolean;
}

function rangeWhere(shape: RangeShape, column: string): string {
  const lower = `${column} ${shape.lowerInclusive ? '>=' : '>'} :lo`;
  return shape.hasUpper ? `${lower} AND ${column} < :hi` : lower;
}

/**
 * Rows that are their key's newest at :rev and not tombstones. Lists name `kv_name_id` because it
 * covers `deleted`: rows that fail the filter never touch the table.
 */
const LIVE_AT_REVISION = `k.id <= :rev AND k.deleted = 0
  AND k.id = (SELECT MAX(m.id) FROM kv AS m WHERE m.name = k.name AND m.id <= :rev)`;

export function listSql(shape: RangeShape): string {
  return `SELECT k.id, k.name, k.create_revision AS createRevision, k.value
FROM kv AS k INDEXED BY kv_name_id
WHERE ${rangeWhere(shape, 'k.name')} AND ${LIVE_AT_REVISION}
ORDER BY k.name LIMIT :limit`;
}

export function countSql(shape: RangeShape): string {
  return `SELECT COUNT(*) AS n FROM kv AS k INDEXED BY kv_name_id
WHERE ${rangeWhere(shape, 'k.name')} AND ${LIVE_AT_REVISION}`;
}

/**
 * Log rows in (after, upto] under a prefix, with the row each one replaced. `+k.name` keeps the
 * planner on the primary key: a watch catches up over a short, recent revision range.
 */
export function logSql(shape: RangeShape): string {
  return `SELECT k.id, k.name, k.created, k.deleted, k.create_revision AS createRevision,
  k.prev_revision AS prevRevision, k.value,
  p.create_revision AS prevCreateRevision, p.value AS prevValue
FROM kv AS k LEFT JOIN kv AS p ON p.id = k.prev_revision
WHERE k.id > :after AND k.id <= :upto AND ${rangeWhere(shape, '+k.name')}
ORDER BY k.id LIMIT :limit`;
}
