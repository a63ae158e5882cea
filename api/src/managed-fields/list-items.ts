/**
 * How server-side apply names the items of a list: by the values of the list-map keys (a
 * missing key takes its OpenAPI default, so a port without `protocol` is the `TCP` port), or by
 * the item itself in a set. Atomic lists have no item names; they are owned whole.
 */
import { getKey, isJsonObject, preview, type JsonValue } from '../patch/json-value.ts';
import { PatchError } from '../patch/patch-error.ts';
import { defaultOf, itemSlot, type ListShape, type Slot } from '../patch/schema/schema.ts';
import {
  keyElement,
  pathLabel,
  valueElement,
  type FieldPath,
  type KeyField,
  type PathElement,
} from './path-element.ts';

/**
 * The element naming `item` in a list of `shape` held by `slot`, or a `PatchError` saying why
 * the item cannot be named (callers decide whether that is fatal).
 */
export function itemElement(
  item: JsonValue,
  shape: ListShape,
  slot: Slot,
  path: FieldPath,
): PathElement | PatchError {
  if (shape.kind === 'set') {
    if (item === null || typeof item === 'object') {
      return invalid(path, `a set may only hold scalars, not ${preview(item)}`);
    }
    return valueElement(item);
  }
  if (shape.kind !== 'map') return invalid(path, 'an atomic list has no item names');
  if (!isJsonObject(item)) {
    return invalid(
      path,
      `associative list with keys may not have non-map elements: ${preview(item)}`,
    );
  }
  const fields: KeyField[] = [];
  for (const name of shape.keys) {
    const value = getKey(item, name) ?? defaultOf(itemSlot(slot), name);
    if (value !== undefined) fields.push({ name, value });
  }
  if (fields.length === 0) {
    const keys = shape.keys.map((k) => JSON.stringify(k)).join(', ');
    return invalid(
      path,
      `associative list with keys has an element that omits all key fields [${keys}]`,
    );
  }
  return keyElement(fields);
}

function invalid(path: FieldPath, message: string): PatchError {
  return new PatchError('ERR_INVALID', `${pathLabel(path)}: ${message}`);
}
