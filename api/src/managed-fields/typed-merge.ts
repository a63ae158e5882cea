/**
 * Merging an applied configuration into a live object, as structured-merge-diff does for
 * server-side apply: the configuration wins on every field it sets; objects merge key by key;
 * associative lists merge item by item (keeping the live order for live items and placing new
 * ones where the configuration puts them); atomic lists and objects are replaced whole.
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
import { itemElement } from './list-items.ts';
import {
  fieldElement,
  serializePathElement,
  type FieldPath,
  type PathElement,
} from './path-element.ts';

/** `rhs` merged over `lhs`; `undefined` when neither is set. A `null` result means "unset". */
export function mergeTyped(
  lhs: JsonValue | undefined,
  rhs: JsonValue | undefined,
  slot: Slot,
  path: FieldPath = [],
): JsonValue | undefined {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return rhs;
  if (isJsonObject(lhs) && isJsonObject(rhs)) {
    const empty = Object.keys(lhs).length === 0 && Object.keys(rhs).length === 0;
    return isAtomicObject(slot) || empty ? rhs : mergeObjects(lhs, rhs, slot, path);
  }
  if (Array.isArray(lhs) && Array.isArray(rhs)) {
    const empty = lhs.length === 0 && rhs.length === 0;
    if (empty || listShapeOf(slot).kind === 'atomic') return rhs;
    return mergeLists(lhs, rhs, slot, path);
  }
  return rhs;
}

function mergeObjects(lhs: JsonObject, rhs: JsonObject, slot: Slot, path: FieldPath) {
  const out: JsonObject = {};
  const keys = [...Object.keys(lhs), ...Object.keys(rhs).filter((k) => !Object.hasOwn(lhs, k))];
  for (const key of keys) {
    const l = Object.hasOwn(lhs, key) ? lhs[key] : undefined;
    const r = Object.hasOwn(rhs, key) ? rhs[key] : undefined;
    const merged = mergeTyped(l, r, fieldSlot(slot, key), [...path, fieldElement(key)]);
    if (merged !== undefined && merged !== null) setKey(out, key, merged);
  }
  return out;
}

interface Named {
  readonly pe: PathElement;
  readonly key: string;
  readonly item: JsonValue;
}

function nameItems(list: JsonValue[], slot: Slot, path: FieldPath, side: 'lhs' | 'rhs'): Named[] {
  const shape = listShapeOf(slot);
  const seen = new Set<string>();
  return list.map((item) => {
    const pe = itemElement(item, shape, slot, path);
    if (pe instanceof PatchError) throw pe;
    const key = serializePathElement(pe);
    if (side === 'rhs' && seen.has(key)) {
      throw new PatchError('ERR_INVALID', `${key}: duplicate entries in the applied configuration`);
    }
    seen.add(key);
    return { pe, key, item };
  });
}

/**
 * structured-merge-diff's list walk: live items the configuration does not mention stay where
 * they are; the configuration's items come out in its order, a shared item where the walk
 * reaches it in the configuration (live duplicates of it collapse into it).
 */
function mergeLists(lhs: JsonValue[], rhs: JsonValue[], slot: Slot, path: FieldPath) {
  const left = nameItems(lhs, slot, path, 'lhs');
  const right = nameItems(rhs, slot, path, 'rhs');
  const inRight = new Set(right.map((n) => n.key));
  const liveItem = new Map<string, JsonValue | undefined>();
  for (const n of left) liveItem.set(n.key, liveItem.has(n.key) ? undefined : n.item);
  const shared = right.filter((n) => liveItem.has(n.key)).map((n) => n.key);
  let q = 0; // shared[q] is the shared item the walk waits for
  const merged = new Set<string>();
  const out: JsonValue[] = [];
  const emit = (n: Named, l: JsonValue | undefined, r: JsonValue | undefined) => {
    const v = mergeTyped(l, r, itemSlot(slot), [...path, n.pe]);
    if (v !== undefined) out.push(v);
  };
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i < left.length && j < right.length) {
      const l = left[i];
      if (l.key === right[j].key) {
        merged.add(l.key);
        emit(l, liveItem.get(l.key), right[j].item);
        i++;
        j++;
        q++;
        continue;
      }
      if (inRight.has(l.key) && q < shared.length && shared[q] !== l.key) {
        i++;
        continue;
      }
    }
    if (i < left.length) {
      const l = left[i];
      if (!inRight.has(l.key)) {
        emit(l, l.item, undefined);
        i++;
        continue;
      }
      if (merged.has(l.key)) i++;
    }
    if (j < right.length) {
      const r = right[j];
      merged.add(r.key);
      emit(r, liveItem.get(r.key), r.item);
      j++;
      if (q < shared.length && shared[q] === r.key) q++;
    }
  }
  return out;
}
