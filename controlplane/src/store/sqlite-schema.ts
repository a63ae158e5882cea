/**
 * The on-disk layout, log-structured like kine: every write appends one row whose id is the new
 * revision. A key's state at revision R is its row with the largest id <= R; a tombstone row
 * (`deleted = 1`) keeps the last value so delete events can carry it.
 */
import type { DatabaseSync } from 'node:sqlite';
import { StoreUnavailableError } from './errors.ts';

/** Bumped when the layout changes; a newer file is refused rather than misread. */
export const SCHEMA_VERSION = 1;

const CREATE_SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
-- get, list and compaction walk a key's history in revision order.
CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id, deleted);
-- A second writer racing on the same key version fails here even if it skipped our checks.
CREATE UNIQUE INDEX IF NOT EXISTS kv_name_prev_revision ON kv (name, prev_revision);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

export interface PragmaInit {
  readonly path: string;
  readonly busyTimeoutMs: number;
}

export function prepareDatabase(db: DatabaseSync, init: PragmaInit): void {
  const mode = db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string };
  if (mode.journal_mode !== 'wal' && init.path !== ':memory:') {
    throw new StoreUnavailableError(`${init.path}: cannot enable WAL (got ${mode.journal_mode})`);
  }
  db.exec('PRAGMA synchronous = FULL');
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(init.busyTimeoutMs))}`);
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as {
    user_version: number;
  };
  if (version > SCHEMA_VERSION) {
    throw new StoreUnavailableError(
      `${init.path}: schema version ${version} is newer than this build's ${SCHEMA_VERSION}`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(CREATE_SCHEMA);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  }
}

export const COMPACT_REVISION_KEY = 'compact_revision';

/**
 * The latest revision survives compaction deleting the newest row (a trailing tombstone)
 * because AUTOINCREMENT keeps its high-water mark in sqlite_sequence.
 */
export function readRevisions(db: DatabaseSync): { current: number; compact: number } {
  const seq = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kv'`).get() as
    { seq: number } | undefined;
  const max = db.prepare('SELECT MAX(id) AS id FROM kv').get() as { id: number | null };
  const meta = db.prepare('SELECT value FROM meta WHERE key = ?').get(COMPACT_REVISION_KEY) as
    { value: number } | undefined;
  return { current: Math.max(seq?.seq ?? 0, max.id ?? 0), compact: meta?.value ?? 0 };
}
