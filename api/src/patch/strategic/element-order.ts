/**
 * `$setElementOrder/<list>`: the order the client wants a merging list in after the patch.
 * kubectl sends it with every list it changes, naming all items it knows of.
 */
import {
  getKey,
  isJsonObject,
  preview,
  setKey,
  type JsonObject,
  type JsonValue,
} from '../json-value.ts';
import { fieldSlot, mergeKeyOf, type Slot } from '../schema/schema.ts';
import {
  badPatch,
  cleanNewValue,
  directiveTarget,
  joinPath,
  missingMergeKey,
  PATCH_DIRECTIVE,
  SET_ELEMENT_ORDER_PREFIX,
} from './directives.ts';
import { normalizeElementOrder, partitionBy, type ItemIdentity } from './list-order.ts';
import { mergeListField, type MapMerger } from './merge-list.ts';

/**
 * Merges every list that has a `$setElementOrder` directive in `patch` into `out` and orders
 * it; both the directive and the list are then removed from `patch`.
 */
export function applySetElementOrder(
  out: JsonObject,
  patch: JsonObject,
  slot: Slot,
  path: string,
  mergeMap: MapMerger,
): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const order = patch[key];
    delete patch[key];
    const target = directiveTarget(key, SET_ELEMENT_ORDER_PREFIX, path);
    const where = joinPath(path, target);
    const live = listOrAbsent(getKey(out, target), where);
    const wanted = listOrAbsent(getKey(patch, target), where);
    if (!Array.isArray(order)) throw badPatch(where, `${key} must be a list`);
    const field = fieldSlot(slot, target);
    const id: ItemIdentity = { mergeKey: mergeKeyOf(field), path: where };
    checkOrder(wanted ?? [], order, id);
    let merged: JsonValue[];
    let serverOrder = live ?? [];
    if (live !== undefined && wanted !== undefined) {
      const ctx = { slot: field, path: where, mergeMap };
      ({ items: merged, serverOrder } = mergeListField(live, wanted, ctx, false));
    } else if (live !== undefined) {
      merged = live;
    } else if (wanted !== undefined) {
      merged = cleanNewValue(wanted) as JsonValue[];
    } else {
      continue;
    }
    const [named, rest] = partitionBy(merged, order, id);
    setKey(out, target, normalizeElementOrder(named, rest, order, serverOrder, id));
    delete patch[target];
  }
}

function listOrAbsent(v: JsonValue | undefined, where: string): JsonValue[] | undefined {
  if (v === undefined || Array.isArray(v)) return v;
  throw badPatch(where, `expected a list, but received ${preview(v)}`);
}

/**
 * The patch list's items (deletions aside) must appear in `$setElementOrder` in the same
 * relative order.
 */
function checkOrder(patchList: JsonValue[], order: JsonValue[], id: ItemIdentity): void {
  if (patchList.length === 0 || order.length === 0) return;
  const items = id.mergeKey === undefined ? patchList : patchList.filter((x) => !isDelete(x, id));
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    if (isJsonObject(items[p]) && Object.hasOwn(items[p] as JsonObject, PATCH_DIRECTIVE)) {
      p++;
      continue;
    }
    if (sameItem(items[p], order[s], id)) p++;
    s++;
  }
  if (p < items.length) {
    const msg =
      `the order in patch list ${preview(patchList)} doesn't match ` +
      `${SET_ELEMENT_ORDER_PREFIX} list ${preview(order)}`;
    throw badPatch(id.path, msg);
  }
}

function isDelete(item: JsonValue, id: ItemIdentity): boolean {
  if (!isJsonObject(item)) throw badPatch(id.path, `expected a map, but received ${preview(item)}`);
  return getKey(item, PATCH_DIRECTIVE) === 'delete';
}

function sameItem(a: JsonValue, b: JsonValue, id: ItemIdentity): boolean {
  if (id.mergeKey === undefined) return a === b;
  for (const item of [a, b]) {
    if (!isJsonObject(item) || getKey(item, id.mergeKey) === undefined) {
      throw missingMergeKey(id.path, item, id.mergeKey);
    }
  }
  return getKey(a as JsonObject, id.mergeKey) === getKey(b as JsonObject, id.mergeKey);
}
