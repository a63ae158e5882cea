/**
 * Writers for defaulting: fill a field only when the client left it unset, as Go's defaulters
 * do for nil pointers and empty strings.
 */
import { tryParseQuantity } from '../quantity/parse.ts';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `parent[key]` as an object, created when missing; undefined when it holds something else. */
export function child(parent: Obj, key: string): Obj | undefined {
  const v = parent[key];
  if (v === undefined || v === null) {
    const created: Obj = {};
    parent[key] = created;
    return created;
  }
  return isObj(v) ? v : undefined;
}

/** `parent[key]` when it is an object; never creates it. */
export function existing(parent: Obj | undefined, key: string): Obj | undefined {
  const v = parent?.[key];
  return isObj(v) ? v : undefined;
}

/** The objects in `parent[key]`, skipping anything that is not one. */
export function items(parent: Obj | undefined, key: string): Obj[] {
  const v = parent?.[key];
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** Sets a value when the field is missing, null, or (for strings) empty. */
export function fill(obj: Obj, key: string, value: unknown): void {
  const v = obj[key];
  if (v === undefined || v === null || v === '') obj[key] = value;
}

/** Rewrites `obj[key]` in canonical quantity form (`1024Mi` → `1Gi`) when it parses. */
export function canonicalizeQuantity(obj: Obj, key: string): void {
  const v = obj[key];
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined;
  const q = text === undefined ? undefined : tryParseQuantity(text);
  if (q) obj[key] = q.toString();
}

/** Every quantity of a resource map in canonical form, as Kubernetes stores them. */
export function canonicalizeQuantities(map: Obj | undefined): void {
  if (!map) return;
  for (const k of Object.keys(map)) canonicalizeQuantity(map, k);
}
