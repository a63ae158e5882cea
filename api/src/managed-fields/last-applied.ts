/**
 * Interplay with kubectl's client-side apply, which records what it applied in an annotation.
 * When `kubectl apply --server-side` (field manager `kubectl`) takes over an object that
 * client-side apply managed, fields whose live value still equals the annotation's are not
 * conflicts, and the annotation is kept up to date with what is now applied.
 */
import { goJson, isJsonObject, type JsonObject, type JsonValue } from '../patch/json-value.ts';
import type { Slot } from '../patch/schema/schema.ts';
import type { FieldSet } from './field-set.ts';
import { toFieldSet } from './to-field-set.ts';
import { compareTyped } from './typed-compare.ts';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** The field manager whose server-side applies take over from client-side apply. */
export const KUBECTL_MANAGER = 'kubectl';

function annotationOf(obj: JsonObject): string | undefined {
  const meta = obj.metadata;
  const annotations = isJsonObject(meta) ? meta.annotations : undefined;
  const value = isJsonObject(annotations) ? annotations[LAST_APPLIED_ANNOTATION] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The fields the last client-side apply set that still hold the applied value, or `undefined`
 * when there is no usable annotation.
 */
export function fieldsStillAsLastApplied(
  live: JsonObject,
  apiVersion: string,
  slot: Slot,
): FieldSet | undefined {
  const text = annotationOf(live);
  if (text === undefined) return undefined;
  let last: JsonValue;
  try {
    last = JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
  if (!isJsonObject(last) || last.apiVersion !== apiVersion) return undefined;
  try {
    const set = toFieldSet(last, slot, true);
    const c = compareTyped(last, live, slot);
    return set.difference(c.modified).difference(c.added).difference(c.removed);
  } catch {
    return undefined;
  }
}

export function hasLastApplied(obj: JsonObject): boolean {
  return annotationOf(obj) !== undefined;
}

/** The annotation value for `applied`: its JSON without the annotation itself. */
export function lastAppliedValue(applied: JsonObject): string {
  const copy = structuredClone(applied);
  const meta = copy.metadata;
  if (isJsonObject(meta) && isJsonObject(meta.annotations)) {
    delete meta.annotations[LAST_APPLIED_ANNOTATION];
  }
  return `${goJson(copy)}\n`;
}

/** Sets the annotation on `obj` (a copy the caller owns). */
export function setLastApplied(obj: JsonObject, value: string): void {
  if (!isJsonObject(obj.metadata)) obj.metadata = {};
  const meta = obj.metadata as JsonObject;
  if (!isJsonObject(meta.annotations)) meta.annotations = {};
  (meta.annotations as JsonObject)[LAST_APPLIED_ANNOTATION] = value;
}
