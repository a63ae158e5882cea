/**
 * A JSON file of records (`{"tokens": [...]}`) that other processes may edit (`wisp token
 * create` writes while the server reads): re-read whenever its inode, size or times change,
 * written atomically. It fails closed: a file that cannot be read yields no records (a strict
 * refresh throws instead), so a corrupt token file lets nobody in rather than everybody.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { privateFileMode, writeFileAtomic } from '@wisp/core';

/** A token record: an id people name it by and the SHA-256 of its secret. */
export interface HashedRecord {
  readonly id: string;
  readonly sha256: string;
}

export interface RecordFile<T extends HashedRecord> {
  records(): readonly T[];
  /** Re-reads the file if it changed; `strict` throws on a bad file instead of emptying. */
  refresh(strict: boolean): void;
  save(next: T[]): Promise<void>;
  /** Removes the record with this id; false if there was none. */
  remove(id: string): Promise<boolean>;
  /** Every record without its hash, as listings show them. */
  summaries(): Omit<T, 'sha256'>[];
}

export function openRecordFile<T extends HashedRecord>(
  path: string,
  parse: (path: string, text: string) => T[],
  unreadable: (path: string, cause: unknown) => Error,
): RecordFile<T> {
  let records: T[] = [];
  let seen: string | undefined;
  const stamp = (): string | undefined => {
    let s: Stats;
    try {
      s = statSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw unreadable(path, e);
    }
    return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  };
  const file: RecordFile<T> = {
    records: () => records,
    refresh(strict) {
      const now = stamp();
      if (now === seen) return;
      try {
        records = now === undefined ? [] : parse(path, readFileSync(path, 'utf8'));
        seen = now;
      } catch (e) {
        records = [];
        seen = undefined;
        if (strict) throw e;
      }
    },
    async save(next) {
      await writeFileAtomic(
        path,
        `${JSON.stringify({ tokens: next }, null, 2)}\n`,
        privateFileMode,
      );
      records = next;
      seen = stamp();
    },
    async remove(id) {
      file.refresh(true);
      const next = records.filter((r) => r.id !== id);
      if (next.length === records.length) return false;
      await file.save(next);
      return true;
    },
    summaries() {
      file.refresh(false);
      return records.map(({ sha256: _, ...summary }) => summary);
    },
  };
  file.refresh(true);
  return file;
}
