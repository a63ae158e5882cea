/**
 * Prefix scans as index ranges: `name >= prefix AND name < upper` keeps SQLite on the
 * `(name, id)` index, where `LIKE 'prefix%'` would need case-sensitivity pragmas and escaping.
 */
import type { RangeShape } from './sqlite-statements.ts';

const CODE_POINT_MAX = 0x10ffff;
const SURROGATE_FIRST = 0xd800;
const SURROGATE_LAST = 0xdfff;

/**
 * The smallest string greater than every string that starts with `prefix`, in code point order
 * (SQLite's BINARY collation on UTF-8). Undefined when there is none (empty prefix).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last === CODE_POINT_MAX) continue;
    const next = last + 1 === SURROGATE_FIRST ? SURROGATE_LAST + 1 : last + 1;
    return String.fromCodePoint(...points, next);
  }
  return undefined;
}

export interface KeyRange {
  readonly shape: RangeShape;
  readonly params: { lo: string; hi?: string };
}

/** The keys under `prefix`, optionally only those after `startAfter` (a continue position). */
export function keyRange(prefix: string, startAfter?: string): KeyRange {
  const hi = prefixUpperBound(prefix);
  const continuing = startAfter !== undefined && startAfter >= prefix;
  const lo = continuing ? startAfter : prefix;
  const shape = { lowerInclusive: !continuing, hasUpper: hi !== undefined };
  return { shape, params: hi === undefined ? { lo } : { lo, hi } };
}
