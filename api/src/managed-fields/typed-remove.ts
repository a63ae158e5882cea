/**
 * Removing a set of fields from an object (used to prune what an applier stopped applying).
 * An object or list left with nothing is removed from its parent too.
 */
import { isJsonObject, setKey, type JsonObject, type JsonValue } from '../patch/json-value.ts';
import { PatchError } from '../patch/patch-error.ts';
import {
  fieldSlot,
  isAtomicObject,
  itemSlot,
  listShapeOf,
  type Slot,
} from '../patch/schema/schema.ts';
import type { FieldSet } from './field-set.ts';
import { itemElement } from './list-items.ts';
import { fieldElement, type FieldPath } from './path-element.ts';

/** `value` without the members of `remove`; `undefined` when nothing is left. */
export function removeFields(
  value: JsonValue,
  remove: FieldSet,
  slot: Slot,
  path: FieldPath = [],
): JsonValue | undefined {
  if (isJsonObject(value)) {
    if (Object.keys(value).length === 0 || isAtomicObject(slot)) return undefined;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      const pe = fieldElement(key);
      if (remove.hasMember(pe)) continue;
      const below = remove.withPrefix(pe);
      const kept = below.isEmpty()
        ? child
        : removeFields(child, below, fieldSlot(slot, key), [...path, pe]);
      if (kept !== undefined) setKey(out, key, kept);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (Array.isArray(value)) {
    const shape = listShapeOf(slot);
    if (value.length === 0 || shape.kind === 'atomic') return undefined;
    const out: JsonValue[] = [];
    for (const item of value) {
      const pe = itemElement(item, shape, slot, path);
      if (pe instanceof PatchError) {
        out.push(item);
        continue;
      }
      if (remove.hasMember(pe)) continue;
      const below = remove.withPrefix(pe);
      const kept = below.isEmpty()
        ? item
        : removeFields(item, below, itemSlot(slot), [...path, pe]);
      if (kept !== undefined) out.push(kept);
    }
    return out.length > 0 ? out : undefined;
  }
  return value;
}
