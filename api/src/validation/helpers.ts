/**
 * Defensive readers for objects straight off the wire: a validator must report a bad shape, not
 * crash on it.
 */
export function list<T>(v: readonly T[] | null | undefined): T[];
export function list(v: unknown): unknown[];
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function record<T = unknown>(v: unknown): Record<string, T> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, T>) : {};
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * Structural equality for JSON values where a missing key, `undefined` and `null` are the same
 * thing, as they are once the object is serialised.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isSet(a) || !isSet(b)) return !isSet(a) && !isSet(b);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!deepEqual(ra[k], rb[k])) return false;
  return true;
}

/** A JSON-style deep copy, enough for the plain data these objects are. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** `v` read as an object of type T, or an empty one when it is not an object at all. */
export function shape<T extends object>(v: unknown): T {
  return (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {}) as T;
}
