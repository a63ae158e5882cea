/**
 * Patch metadata for the type graph of the built-in kinds: what Kubernetes keeps in Go struct
 * tags (`patchStrategy`, `patchMergeKey`) and OpenAPI extensions (`x-kubernetes-list-type`,
 * `x-kubernetes-list-map-keys`, `x-kubernetes-map-type`), written out by hand for the fields
 * that differ from the defaults. Strategic merge patch and server-side apply both read it.
 *
 * Defaults for anything not in the tables: an object merges key by key (granular); a list is
 * replaced whole (strategic merge patch) and atomic (server-side apply).
 */
import type { JsonValue } from '../json-value.ts';

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';
export type ListType = 'atomic' | 'set' | 'map';

export interface FieldSchema {
  /** Named type of the value, or of each item when the field is a list. */
  readonly type?: string;
  readonly patchStrategy?: PatchStrategy;
  readonly patchMergeKey?: string;
  /** Absent: derived from `patchStrategy` as kube-openapi does (merge + key: map; merge: set). */
  readonly listType?: ListType;
  readonly listMapKeys?: readonly string[];
  /** A map whose keys are not field names, replaced as a whole by server-side apply. */
  readonly mapType?: 'atomic';
}

export interface TypeSchema {
  readonly fields?: Readonly<Record<string, FieldSchema>>;
  /** `+structType=atomic`: server-side apply owns and replaces the object as a whole. */
  readonly atomic?: boolean;
  /** OpenAPI defaults of fields used as list-map keys (a port's `protocol` is `TCP`). */
  readonly defaults?: Readonly<Record<string, JsonValue>>;
}

export type TypeTable = Readonly<Record<string, TypeSchema>>;

/**
 * Where a value sits in the type graph: its named type (for an object, or each item of a list)
 * and the field that holds it, if any. An empty slot is an untyped value: all defaults.
 */
export interface Slot {
  readonly table: TypeTable;
  readonly type?: string;
  readonly field?: FieldSchema;
}

export function rootSlot(table: TypeTable, type: string | undefined): Slot {
  return { table, type };
}

/** The slot of field `name` of the object in `slot`. */
export function fieldSlot(slot: Slot, name: string): Slot {
  const field = slot.type === undefined ? undefined : slot.table[slot.type]?.fields?.[name];
  return { table: slot.table, type: field?.type, field };
}

/** The slot of each item of the list in `slot`. */
export function itemSlot(slot: Slot): Slot {
  return { table: slot.table, type: slot.type };
}

/** The field's strategic merge patch strategy without `retainKeys`, which only the client uses. */
export function mergeStrategyOf(slot: Slot): 'merge' | 'replace' | undefined {
  const s = slot.field?.patchStrategy;
  if (s === 'merge' || s === 'merge,retainKeys') return 'merge';
  return s === 'replace' ? 'replace' : undefined;
}

export function mergeKeyOf(slot: Slot): string | undefined {
  return slot.field?.patchMergeKey;
}

export type ListShape =
  | { readonly kind: 'atomic' }
  | { readonly kind: 'set' }
  | { readonly kind: 'map'; readonly keys: readonly string[] };

/** How server-side apply treats the list in `slot`. */
export function listShapeOf(slot: Slot): ListShape {
  const f = slot.field;
  if (f?.listType === 'set') return { kind: 'set' };
  if (f?.listType === 'map') return { kind: 'map', keys: f.listMapKeys ?? [] };
  if (f?.listType === 'atomic' || mergeStrategyOf(slot) !== 'merge') return { kind: 'atomic' };
  return f?.patchMergeKey ? { kind: 'map', keys: [f.patchMergeKey] } : { kind: 'set' };
}

/** Whether server-side apply treats the object in `slot` as one value. */
export function isAtomicObject(slot: Slot): boolean {
  if (slot.field?.mapType === 'atomic') return true;
  return slot.type !== undefined && slot.table[slot.type]?.atomic === true;
}

/** The OpenAPI default of field `name` of the object type in `slot`. */
export function defaultOf(slot: Slot, name: string): JsonValue | undefined {
  return slot.type === undefined ? undefined : slot.table[slot.type]?.defaults?.[name];
}
