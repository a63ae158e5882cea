/**
 * RFC 7386 JSON Merge Patch (`application/merge-patch+json`): objects merge key by key, `null`
 * deletes a key, anything else (arrays included) replaces.
 *
 *   applyMergePatch(deployment, { spec: { replicas: 5 }, metadata: { labels: { old: null } } })
 */
import {
  cloneJson,
  getKey,
  isJsonObject,
  jsonEqual,
  setKey,
  type JsonValue,
} from './json-value.ts';

export function applyMergePatch(doc: unknown, patch: unknown): JsonValue {
  return merge(cloneJson(doc) as JsonValue | undefined, cloneJson(patch) as JsonValue);
}

function merge(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const out = isJsonObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else setKey(out, key, merge(getKey(out, key), value));
  }
  return out;
}

/**
 * The merge patch that turns `source` into `target`. A `null` inside an object of `target`
 * cannot be expressed (merge patch reads it as "delete"), so such keys are left out.
 */
export function createMergePatch(source: unknown, target: unknown): JsonValue {
  const from = source as JsonValue;
  const to = target as JsonValue;
  if (!isJsonObject(from) || !isJsonObject(to)) return cloneJson(to);
  const patch: Record<string, JsonValue> = {};
  for (const key of Object.keys(from)) {
    if (!Object.hasOwn(to, key)) setKey(patch, key, null);
  }
  for (const [key, value] of Object.entries(to)) {
    const before = getKey(from, key);
    if (before !== undefined && jsonEqual(before, value)) continue;
    if (value === null) continue;
    setKey(patch, key, createMergePatch(before ?? {}, value));
  }
  return patch;
}
