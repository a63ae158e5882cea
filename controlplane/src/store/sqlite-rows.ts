/**
 * Rows as node:sqlite returns them, turned into the port's plain objects (node:sqlite rows have
 * a null prototype, which strict deep-equality and spreading callers trip over).
 */
import type { KeyValue, WatchEvent } from '@wisp/core';

export interface LatestRow {
  readonly id: number;
  readonly deleted: number;
  readonly createRevision: number;
  readonly value: string;
}

export interface ListRow {
  readonly id: number;
  readonly name: string;
  readonly createRevision: number;
  readonly value: string;
}

export interface LogRow extends ListRow {
  readonly created: number;
  readonly deleted: number;
  readonly prevRevision: number;
  readonly prevCreateRevision: number | null;
  readonly prevValue: string | null;
}

export function toKeyValue(key: string, row: LatestRow | ListRow): KeyValue {
  return { key, value: row.value, createRevision: row.createRevision, modRevision: row.id };
}

export function logRowToEvent(row: LogRow): WatchEvent {
  const kv = toKeyValue(row.name, row);
  if (row.created) return { type: 'create', kv, revision: row.id };
  const type = row.deleted ? 'delete' : 'update';
  if (row.prevValue === null || row.prevCreateRevision === null) {
    return { type, kv, revision: row.id };
  }
  const prev: KeyValue = {
    key: row.name,
    value: row.prevValue,
    createRevision: row.prevCreateRevision,
    modRevision: row.prevRevision,
  };
  return { type, kv, prev, revision: row.id };
}
