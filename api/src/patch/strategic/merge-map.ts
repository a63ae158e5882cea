/**
 * Merging a patch map into a live map: the heart of strategic merge patch. Keys merge as in a
 * JSON merge patch (`null` deletes), except that lists follow their field's patch strategy and
 * the `$`-directives steer the merge.
 */
import {
  getKey,
  isJsonObject,
  kindOf,
  setKey,
  type JsonObject,
  type JsonValue,
} from '../json-value.ts';
import { fieldSlot, mergeStrategyOf, type Slot } from '../schema/schema.ts';
import {
  badPatch,
  cleanNewValue,
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  directiveTarget,
  joinPath,
  PATCH_DIRECTIVE,
  RETAIN_KEYS_DIRECTIVE,
  SET_ELEMENT_ORDER_PREFIX,
  unknownPatchType,
} from './directives.ts';
import { applySetElementOrder } from './element-order.ts';
import { mergeListField } from './merge-list.ts';

/**
 * Merges `patch` into `original`. Both are mutated (callers pass copies); the result is
 * `original` or, for `$patch: replace | delete`, a new map.
 */
export function mergeMap(
  original: JsonObject,
  patch: JsonObject,
  slot: Slot,
  path: string,
): JsonObject {
  const directive = getKey(patch, PATCH_DIRECTIVE);
  if (directive !== undefined) {
    if (directive === 'delete') return {};
    if (directive !== 'replace') throw unknownPatchType(path, directive, patch);
    delete patch[PATCH_DIRECTIVE];
    return cleanNewValue(patch) as JsonObject;
  }
  applyRetainKeys(original, patch, path);
  applySetElementOrder(original, patch, slot, path, mergeMap);
  for (const [key, value] of Object.entries(patch)) {
    mergeKey(original, key, value, slot, path);
  }
  return original;
}

function mergeKey(out: JsonObject, key: string, value: JsonValue, slot: Slot, path: string) {
  const isDeleteList = key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX);
  if (!isDeleteList && key.startsWith('$')) return;
  const target = isDeleteList ? directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST_PREFIX, path) : key;
  if (value === null) {
    delete out[target];
    return;
  }
  const current = getKey(out, target);
  if (current === undefined || kindOf(current) !== kindOf(value)) {
    if (isDeleteList) return;
    const fresh = cleanNewValue(value);
    if (fresh === undefined) delete out[target];
    else setKey(out, target, fresh);
    return;
  }
  const field = fieldSlot(slot, target);
  const where = joinPath(path, target);
  if (isJsonObject(current)) {
    const patchMap = value as JsonObject;
    const replace = mergeStrategyOf(field) === 'replace';
    setKey(
      out,
      target,
      replace ? (cleanNewValue(patchMap) as JsonObject) : mergeMap(current, patchMap, field, where),
    );
  } else if (Array.isArray(current)) {
    const ctx = { slot: field, path: where, mergeMap };
    setKey(out, target, mergeListField(current, value as JsonValue[], ctx, isDeleteList).items);
  } else {
    setKey(out, target, value);
  }
}

/**
 * `$retainKeys: [a, b]`: keys of the live map not listed are cleared, and the patch may only
 * set listed keys. kubectl sends it for fields with the `retainKeys` strategy, so switching a
 * Deployment's strategy type drops the old type's settings.
 */
function applyRetainKeys(original: JsonObject, patch: JsonObject, path: string): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retain = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(retain)) throw badPatch(path, 'invalid patch format of retainKeys');
  const keep = new Set(retain.filter((k): k is string => typeof k === 'string'));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) continue;
    if (key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!keep.has(key)) {
      throw badPatch(
        path,
        `invalid patch format of retainKeys: ${JSON.stringify(key)} is not retained`,
      );
    }
  }
  for (const key of Object.keys(original)) {
    if (!keep.has(key)) delete original[key];
  }
}
