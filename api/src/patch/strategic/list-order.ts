/**
 * The order of a merged list. Items the patch names keep the patch's (or `$setElementOrder`'s)
 * order; items only the server has keep theirs and are woven in where the live order puts them
 * before a patch item. This is strategic merge patch's "preserve order" rule.
 */
import { getKey, isJsonObject, type JsonValue } from '../json-value.ts';
import { missingMergeKey, PATCH_DIRECTIVE } from './directives.ts';

/** What identifies an item: its merge key's value for maps, the item itself for scalars. */
export interface ItemIdentity {
  readonly mergeKey: string | undefined;
  readonly path: string;
}

function identity(item: JsonValue, id: ItemIdentity): JsonValue | undefined {
  if (id.mergeKey === undefined) return item;
  return isJsonObject(item) ? getKey(item, id.mergeKey) : undefined;
}

export function indexIn(list: readonly JsonValue[], item: JsonValue, id: ItemIdentity): number {
  const want = identity(item, id);
  return list.findIndex((x) => identity(x, id) === want);
}

export function requireMergeKeys(list: readonly JsonValue[], id: ItemIdentity): void {
  if (id.mergeKey === undefined) return;
  for (const item of list) {
    if (!isJsonObject(item) || getKey(item, id.mergeKey) === undefined) {
      throw missingMergeKey(id.path, item, id.mergeKey);
    }
  }
}

/** Splits `merged` into the items `by` names and the rest, each in `merged`'s order. */
export function partitionBy(
  merged: readonly JsonValue[],
  by: readonly JsonValue[],
  id: ItemIdentity,
): [JsonValue[], JsonValue[]] {
  requireMergeKeys(merged, id);
  const named: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const item of merged) (indexIn(by, item, id) >= 0 ? named : rest).push(item);
  return [named, rest];
}

/** Sorts `items` by their position in `order`; items `order` lacks go last, in their order. */
function sortByOrder(items: JsonValue[], order: readonly JsonValue[], id: ItemIdentity) {
  requireMergeKeys(items, id);
  requireMergeKeys(order, id);
  const isDelete = (x: JsonValue) => isJsonObject(x) && getKey(x, PATCH_DIRECTIVE) === 'delete';
  const keep = id.mergeKey === undefined ? items : items.filter((x) => !isDelete(x));
  const deletes = id.mergeKey === undefined ? [] : items.filter(isDelete);
  const rank = (x: JsonValue) => {
    const i = indexIn(order, x, id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...keep.map((x, i) => ({ x, i, r: rank(x) }))]
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((e) => e.x)
    .concat(deletes);
}

/**
 * Orders the patch items by `patchOrder` and the server-only items by `serverOrder`, then
 * weaves them together: a server-only item goes first only when both it and the next patch
 * item are in the live list and it comes first there.
 */
export function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  id: ItemIdentity,
): JsonValue[] {
  const right = sortByOrder(patchItems, patchOrder, id);
  const left = sortByOrder(serverOnly, serverOrder, id);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = indexIn(serverOrder, left[i], id);
      const ri = indexIn(serverOrder, right[j], id);
      out.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return out;
}
