/**
 * The set of fields an object sets, as server-side apply records ownership: every scalar, every
 * item of an associative list, every atomic list or object, and every empty object or `null`.
 * An object or list with content is not itself a member, only its content is.
 *
 *   fieldSetOf(deployment, { apiVersion: 'apps/v1', kind: 'Deployment' })
 */
import { isJsonObject, type JsonValue } from '../patch/json-value.ts';
import { PatchError } from '../patch/patch-error.ts';
import { slotForKind, type KindRef } from '../patch/schema/kinds.ts';
import {
  fieldSlot,
  isAtomicObject,
  itemSlot,
  listShapeOf,
  rootSlot,
  type Slot,
} from '../patch/schema/schema.ts';
import { FieldSet } from './field-set.ts';
import { itemElement } from './list-items.ts';
import { fieldElement, pathLabel, serializePathElement, type FieldPath } from './path-element.ts';

/** The slot for a whole object of `kind`; kinds without tables are walked untyped. */
export function kindSlot(kind: KindRef): Slot {
  return slotForKind(kind) ?? rootSlot({}, undefined);
}

export function fieldSetOf(obj: unknown, kind: KindRef): FieldSet {
  return toFieldSet(obj as JsonValue, kindSlot(kind), false);
}

/**
 * The field set of `value`. `strict` (for applied configurations) rejects list items that
 * cannot be named and duplicate items; otherwise such items are skipped or owned whole.
 */
export function toFieldSet(value: JsonValue, slot: Slot, strict: boolean): FieldSet {
  const out = new FieldSet();
  walk(value, slot, [], out, strict);
  return out;
}

function walk(value: JsonValue, slot: Slot, path: FieldPath, out: FieldSet, strict: boolean) {
  if (isJsonObject(value)) {
    if (isAtomicObject(slot)) return out.insert(path);
    for (const [key, child] of Object.entries(value)) {
      const p = [...path, fieldElement(key)];
      walk(child, fieldSlot(slot, key), p, out, strict);
      if (child === null || (isJsonObject(child) && Object.keys(child).length === 0)) out.insert(p);
    }
  } else if (Array.isArray(value)) {
    walkList(value, slot, path, out, strict);
  } else {
    out.insert(path);
  }
}

function walkList(list: JsonValue[], slot: Slot, path: FieldPath, out: FieldSet, strict: boolean) {
  const shape = listShapeOf(slot);
  if (shape.kind === 'atomic') return out.insert(path);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const named = list.map((item, i) => {
    const pe = itemElement(item, shape, slot, path);
    if (pe instanceof PatchError) {
      if (strict) throw pe;
      return undefined;
    }
    const key = serializePathElement(pe);
    if (seen.has(key)) {
      if (strict) {
        throw new PatchError(
          'ERR_INVALID',
          `${pathLabel(path)}[${i}]: duplicate entries for key ${key}`,
        );
      }
      if (!duplicates.has(key)) out.insert([...path, pe]);
      duplicates.add(key);
    }
    seen.add(key);
    return { item, pe, key };
  });
  for (const n of named) {
    if (n === undefined || duplicates.has(n.key)) continue;
    const p = [...path, n.pe];
    walk(n.item, itemSlot(slot), p, out, strict);
    out.insert(p);
  }
}
