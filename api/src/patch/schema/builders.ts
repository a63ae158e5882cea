/**
 * Shorthands that keep the patch metadata tables one line per field.
 */
import type { FieldSchema, TypeSchema } from './schema.ts';

/** A list merged by `key` (strategic merge) and keyed by `keys` (server-side apply). */
export function keyed(
  type: string | undefined,
  key: string,
  more: Partial<FieldSchema> = {},
): FieldSchema {
  return {
    type,
    patchStrategy: 'merge',
    patchMergeKey: key,
    listType: 'map',
    listMapKeys: [key],
    ...more,
  };
}

/** A list of scalars merged as a set. */
export const mergedSet: FieldSchema = { patchStrategy: 'merge', listType: 'set' };

/** A field whose value is an object of a named type. */
export function typed(type: string, more: Partial<FieldSchema> = {}): FieldSchema {
  return { type, ...more };
}

/** A map of names to values that server-side apply owns as a whole (`nodeSelector`). */
export const atomicMap: FieldSchema = { mapType: 'atomic' };

/** A struct with `+structType=atomic`. */
export const atomicStruct: TypeSchema = { atomic: true };
