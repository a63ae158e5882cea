/**
 * The `$`-directives of a strategic merge patch and the errors they raise.
 */
import { isJsonObject, preview, setKey, type JsonObject, type JsonValue } from '../json-value.ts';
import { PatchError } from '../patch-error.ts';

export const PATCH_DIRECTIVE = '$patch';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

/**
 * Malformed directives are 400 BadRequest, as kube-apiserver answers for the `mergepatch` errors
 * it recognises. Other malformed patches (no merge key, an unknown `$patch`) reach the client as
 * 500 from kube-apiserver only because it does not classify them; they are 400 here too.
 */
export function badPatch(path: string, message: string): PatchError {
  return new PatchError('ERR_BAD_REQUEST', `${path || '<root>'}: ${message}`);
}

/** kube-apiserver answers 422 for lists of lists and content outside `$retainKeys`. */
export function invalidPatch(path: string, message: string): PatchError {
  return new PatchError('ERR_INVALID', `${path || '<root>'}: ${message}`);
}

export function joinPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** `$setElementOrder/containers` → `containers`; the `/` is required. */
export function directiveTarget(key: string, prefix: string, path: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    const what = prefix === SET_ELEMENT_ORDER_PREFIX ? 'setElementOrder list' : 'primitive list';
    throw badPatch(path, `invalid patch format of ${what}: ${JSON.stringify(key)}`);
  }
  return key.slice(slash + 1);
}

export function unknownPatchType(path: string, directive: unknown, map: JsonObject): PatchError {
  return badPatch(path, `unknown patch type: ${preview(directive)} in map: ${preview(map)}`);
}

export function missingMergeKey(path: string, item: JsonValue, key: string): PatchError {
  return badPatch(path, `map: ${preview(item)} does not contain declared merge key: ${key}`);
}

/**
 * A patch value that lands where the original has nothing (or a value of another shape) is
 * taken as is, minus what kube-apiserver would drop on its way to a typed object: `null`
 * members, objects carrying `$patch`, and any other `$`-key (no Kubernetes field starts with
 * `$`).
 */
export function cleanNewValue(v: JsonValue): JsonValue | undefined {
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const item of v) {
      const kept = cleanNewValue(item);
      if (kept !== undefined) out.push(kept);
    }
    return out;
  }
  if (!isJsonObject(v)) return v;
  if (Object.hasOwn(v, PATCH_DIRECTIVE)) return undefined;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(v)) {
    if (value === null || key.startsWith('$')) continue;
    const kept = cleanNewValue(value);
    if (kept !== undefined) setKey(out, key, kept);
  }
  return out;
}
