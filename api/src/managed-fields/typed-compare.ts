/**
 * Which fields differ between two versions of an object, in server-side apply's terms: added,
 * removed and modified leaves, plus every object or list item that appeared or disappeared.
 * A write's manager takes ownership of what it added or modified.
 */
import { isJsonObject, jsonEqual, type JsonValue } from '../patch/json-value.ts';
import { PatchError } from '../patch/patch-error.ts';
import {
  fieldSlot,
  isAtomicObject,
  itemSlot,
  listShapeOf,
  type Slot,
} from '../patch/schema/schema.ts';
import { FieldSet } from './field-set.ts';
import { itemElement } from './list-items.ts';
import {
  fieldElement,
  serializePathElement,
  type FieldPath,
  type PathElement,
} from './path-element.ts';

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

export function compareTyped(
  lhs: JsonValue | undefined,
  rhs: JsonValue | undefined,
  slot: Slot,
): Comparison {
  const c = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareAt(lhs, rhs, slot, [], c);
  return c;
}

/** Removes `ignored` (and everything below its members) from every part of `c`. */
export function excludeFields(c: Comparison, ignored: FieldSet | undefined): Comparison {
  if (ignored === undefined || ignored.isEmpty()) return c;
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

type Shape = 'object' | 'list' | 'leaf';

function shapeOf(v: JsonValue | undefined, slot: Slot): Shape | undefined {
  if (v === undefined) return undefined;
  if (isJsonObject(v)) return isAtomicObject(slot) ? 'leaf' : 'object';
  if (Array.isArray(v)) return listShapeOf(slot).kind === 'atomic' ? 'leaf' : 'list';
  return 'leaf';
}

function isEmpty(v: JsonValue | undefined): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isJsonObject(v) && Object.keys(v).length === 0;
}

function compareAt(
  lhs: JsonValue | undefined,
  rhs: JsonValue | undefined,
  slot: Slot,
  path: FieldPath,
  c: Comparison,
): void {
  const l = shapeOf(lhs, slot);
  const r = shapeOf(rhs, slot);
  const shape = l ?? r;
  const sameShape = l === undefined || r === undefined || l === r;
  if (shape === 'leaf' || !sameShape || (isEmpty(lhs) && isEmpty(rhs))) {
    if (lhs === undefined) c.added.insert(path);
    else if (rhs === undefined) c.removed.insert(path);
    else if (!jsonEqual(lhs, rhs)) c.modified.insert(path);
    return;
  }
  if (shape === 'object') compareObjects(lhs, rhs, slot, path, c);
  else compareLists(lhs as JsonValue[] | undefined, rhs as JsonValue[] | undefined, slot, path, c);
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
}

function compareObjects(
  lhs: JsonValue | undefined,
  rhs: JsonValue | undefined,
  slot: Slot,
  path: FieldPath,
  c: Comparison,
) {
  const l = isJsonObject(lhs) ? lhs : {};
  const r = isJsonObject(rhs) ? rhs : {};
  const keys = new Set([...Object.keys(l), ...Object.keys(r)]);
  for (const key of keys) {
    const lv = Object.hasOwn(l, key) ? l[key] : undefined;
    const rv = Object.hasOwn(r, key) ? r[key] : undefined;
    compareAt(lv, rv, fieldSlot(slot, key), [...path, fieldElement(key)], c);
  }
}

/** Items grouped by name; a name held by several items is compared as one opaque value. */
function compareLists(
  lhs: JsonValue[] | undefined,
  rhs: JsonValue[] | undefined,
  slot: Slot,
  path: FieldPath,
  c: Comparison,
) {
  const groups = new Map<string, { pe: PathElement; l: JsonValue[]; r: JsonValue[] }>();
  const shape = listShapeOf(slot);
  const add = (items: JsonValue[] | undefined, side: 'l' | 'r') => {
    for (const item of items ?? []) {
      const pe = itemElement(item, shape, slot, path);
      if (pe instanceof PatchError) continue;
      const key = serializePathElement(pe);
      if (!groups.has(key)) groups.set(key, { pe, l: [], r: [] });
      groups.get(key)![side].push(item);
    }
  };
  add(lhs, 'l');
  add(rhs, 'r');
  for (const { pe, l, r } of groups.values()) {
    const p = [...path, pe];
    const item = itemSlot(slot);
    if (l.length <= 1 && r.length <= 1) {
      compareAt(l[0], r[0], item, p, c);
    } else if (l.length >= 2 && r.length >= 2) {
      if (!jsonEqual(l, r)) c.modified.insert(p);
    } else if (l.length >= 2) {
      if (r.length > 0) compareAt(undefined, r[0], item, p, c);
      c.removed.insert(p);
    } else {
      if (l.length > 0) compareAt(l[0], undefined, item, p, c);
      c.added.insert(p);
    }
  }
}
