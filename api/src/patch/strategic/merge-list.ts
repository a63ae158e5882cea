/**
 * Merging a patch list into a live list, for lists whose patch strategy is `merge`: maps by
 * their merge key (with `$patch: delete | replace` items), scalars as a set.
 */
import { getKey, isJsonObject, kindOf, type JsonObject, type JsonValue } from '../json-value.ts';
import { itemSlot, mergeKeyOf, mergeStrategyOf, type Slot } from '../schema/schema.ts';
import {
  badPatch,
  cleanNewValue,
  invalidPatch,
  missingMergeKey,
  PATCH_DIRECTIVE,
  unknownPatchType,
} from './directives.ts';
import { normalizeElementOrder, partitionBy, type ItemIdentity } from './list-order.ts';

/** Merges two maps; passed in so the list and map halves need not import each other. */
export type MapMerger = (
  original: JsonObject,
  patch: JsonObject,
  slot: Slot,
  path: string,
) => JsonObject;

export interface ListContext {
  readonly slot: Slot;
  readonly path: string;
  readonly mergeMap: MapMerger;
}

export interface MergedList {
  readonly items: JsonValue[];
  /**
   * The live list as upstream's `$setElementOrder` step sees it afterwards. Go deletes and
   * appends in place, so deleted slots are refilled by the items after them and then by
   * appended items; kubectl-visible ordering depends on it, so it is reproduced here.
   */
  readonly serverOrder: JsonValue[];
}

/**
 * The value of list field `ctx.slot` after the patch: merged when the field merges (or when
 * `isDeleteList`, for `$deleteFromPrimitiveList`), otherwise the patch list itself.
 */
export function mergeListField(
  original: JsonValue[],
  patch: JsonValue[],
  ctx: ListContext,
  isDeleteList: boolean,
): MergedList {
  if (mergeStrategyOf(ctx.slot) === 'merge' || isDeleteList) {
    return mergeList(original, patch, ctx, isDeleteList);
  }
  return { items: cleanNewValue(patch) as JsonValue[], serverOrder: original };
}

function mergeList(
  original: JsonValue[],
  patch: JsonValue[],
  ctx: ListContext,
  isDeleteList: boolean,
): MergedList {
  if (original.length === 0 && patch.length === 0) {
    return { items: original, serverOrder: original };
  }
  if (elementKind(original, patch, ctx.path) !== 'object') {
    return { items: mergeScalars(original, patch, ctx.path, isDeleteList), serverOrder: original };
  }
  const mergeKey = mergeKeyOf(ctx.slot);
  if (mergeKey === undefined) {
    throw badPatch(ctx.path, 'cannot merge lists without merge key');
  }
  const id: ItemIdentity = { mergeKey, path: ctx.path };
  const backing = new Backing(original);
  const special = applySpecialItems(backing, patch, id);
  const merged = mergeByKey(backing, special, ctx, mergeKey);
  const [named, rest] = partitionBy(merged, special.patch, id);
  const serverOrder = backing.view();
  return {
    items: normalizeElementOrder(named, rest, special.patch, special.original, id),
    serverOrder,
  };
}

/** A set union (or, for `$deleteFromPrimitiveList`, difference) of scalars. */
function mergeScalars(original: JsonValue[], patch: JsonValue[], path: string, del: boolean) {
  if (del) return original.filter((v) => !patch.includes(v));
  const merged = [...new Set([...original, ...patch])];
  const id: ItemIdentity = { mergeKey: undefined, path };
  const [named, rest] = partitionBy(merged, patch, id);
  return normalizeElementOrder(named, rest, patch, original, id);
}

/** A list that deletes and appends in place over a fixed backing array, as a Go slice does. */
class Backing {
  private readonly slots: JsonValue[];
  private length: number;
  constructor(items: JsonValue[]) {
    this.slots = [...items];
    this.length = items.length;
  }
  items(): JsonValue[] {
    return this.slots.slice(0, this.length);
  }
  view(): JsonValue[] {
    return [...this.slots];
  }
  removeAt(i: number): void {
    this.slots.copyWithin(i, i + 1, this.length);
    this.length--;
  }
  append(v: JsonValue): void {
    if (this.length < this.slots.length) this.slots[this.length] = v;
    this.length++;
  }
}

/** The one shape all items share; lists of lists and mixed lists are rejected. */
function elementKind(a: readonly JsonValue[], b: readonly JsonValue[], path: string) {
  let kind: string | undefined;
  for (const v of [...a, ...b]) {
    const k = kindOf(v);
    if (k === 'array') throw invalidPatch(path, 'lists of lists are not supported');
    if (kind !== undefined && k !== kind) {
      throw badPatch(path, 'list element types are not identical');
    }
    kind = k;
  }
  return kind;
}

/**
 * Applies the `$patch` items of a patch list: `delete` removes every live item with that key,
 * `replace` makes the rest of the patch list the whole list. Returns what is left to merge.
 */
function applySpecialItems(backing: Backing, patch: JsonValue[], id: ItemIdentity) {
  let replace = false;
  const plain: JsonValue[] = [];
  for (const item of patch) {
    const map = item as JsonObject;
    const directive = getKey(map, PATCH_DIRECTIVE);
    if (directive === undefined) {
      plain.push(item);
    } else if (directive === 'delete') {
      const value = getKey(map, id.mergeKey as string);
      if (value === undefined) throw missingMergeKey(id.path, item, id.mergeKey as string);
      const matches = (x: JsonValue) =>
        isJsonObject(x) && getKey(x, id.mergeKey as string) === value;
      for (
        let i = backing.items().findIndex(matches);
        i >= 0;
        i = backing.items().findIndex(matches)
      ) {
        backing.removeAt(i);
      }
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw badPatch(id.path, 'merging lists cannot yet be specified in the patch');
    } else {
      throw unknownPatchType(id.path, directive, map);
    }
  }
  if (replace) return { original: cleanNewValue(plain) as JsonValue[], patch: [], replaced: true };
  return { original: backing.items(), patch: plain, replaced: false };
}

/** Merges each patch item into the live item with the same key, or appends it. */
function mergeByKey(
  backing: Backing,
  special: { original: JsonValue[]; patch: JsonValue[]; replaced: boolean },
  ctx: ListContext,
  mergeKey: string,
): JsonValue[] {
  const out = [...special.original];
  for (const item of special.patch) {
    const value = getKey(item as JsonObject, mergeKey);
    if (value === undefined) throw missingMergeKey(ctx.path, item, mergeKey);
    const i = out.findIndex((x) => isJsonObject(x) && getKey(x, mergeKey) === value);
    const where = `${ctx.path}[${mergeKey}=${JSON.stringify(value)}]`;
    if (i >= 0) {
      out[i] = ctx.mergeMap(out[i] as JsonObject, item as JsonObject, itemSlot(ctx.slot), where);
    } else {
      const added = cleanNewValue(item);
      if (added === undefined) continue;
      out.push(added);
      if (!special.replaced) backing.append(added);
    }
  }
  return out;
}
