/**
 * One step of a field path, as sigs.k8s.io/structured-merge-diff names it: a field of an object
 * (`f:image`), the item of an associative list with these key values
 * (`k:{"containerPort":80,"protocol":"TCP"}`), the item of a set (`v:"example.com/finalizer"`)
 * or an index (`i:0`, only in sets written by other servers).
 */
import { goJson, isJsonObject, type JsonValue } from '../patch/json-value.ts';
import { PatchError } from '../patch/patch-error.ts';

export interface KeyField {
  readonly name: string;
  readonly value: JsonValue;
}

export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: readonly KeyField[] }
  | { readonly kind: 'value'; readonly value: JsonValue }
  | { readonly kind: 'index'; readonly index: number };

export type FieldPath = readonly PathElement[];

export function fieldElement(name: string): PathElement {
  return { kind: 'field', name };
}

/** A key element; its fields are kept sorted by name. */
export function keyElement(fields: readonly KeyField[]): PathElement {
  const sorted = [...fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { kind: 'key', fields: sorted };
}

export function valueElement(value: JsonValue): PathElement {
  return { kind: 'value', value };
}

/** The `FieldsV1` spelling of an element, also its identity in maps. */
export function serializePathElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map((f) => `${goJson(f.name)}:${goJson(f.value)}`).join(',')}}`;
    case 'value':
      return `v:${goJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

/** Parses a `FieldsV1` key; `undefined` for element types this version does not know. */
export function parsePathElement(s: string): PathElement | undefined {
  if (s.length < 2 || s[1] !== ':') throw badElement(s);
  const rest = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldElement(rest);
    case 'v':
      return valueElement(parseJson(rest, s));
    case 'k': {
      const obj = parseJson(rest, s);
      if (!isJsonObject(obj)) throw badElement(s);
      return keyElement(Object.entries(obj).map(([name, value]) => ({ name, value })));
    }
    case 'i': {
      if (!/^-?[0-9]+$/.test(rest)) throw badElement(s);
      return { kind: 'index', index: Number(rest) };
    }
    default:
      return undefined;
  }
}

function parseJson(text: string, whole: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw badElement(whole, e);
  }
}

function badElement(s: string, cause?: unknown): PatchError {
  return new PatchError(
    'ERR_BAD_REQUEST',
    `invalid managed field path element ${JSON.stringify(s)}`,
    {
      cause,
    },
  );
}

const KIND_ORDER = { field: 0, key: 1, value: 2, index: 3 } as const;

/** The order `FieldsV1` is written in: fields by name, then keys, values and indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key':
      return compareKeyFields(a.fields, (b as typeof a).fields);
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index - (b as typeof a).index;
  }
}

function compareKeyFields(a: readonly KeyField[], b: readonly KeyField[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareStrings(a[i].name, b[i].name) || compareValues(a[i].value, b[i].value);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const VALUE_ORDER = { number: 0, string: 1, boolean: 2, array: 3, object: 4, null: 5 } as const;

function valueKind(v: JsonValue): keyof typeof VALUE_ORDER {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as 'number' | 'string' | 'boolean' | 'object';
}

/** structured-merge-diff's value order: numbers, strings, booleans, lists, maps, null. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ka = valueKind(a);
  const kb = valueKind(b);
  if (ka !== kb) return VALUE_ORDER[ka] - VALUE_ORDER[kb];
  if (typeof a === 'number') return a - (b as number);
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  if (Array.isArray(a)) {
    const bl = b as JsonValue[];
    for (let i = 0; i < Math.min(a.length, bl.length); i++) {
      const c = compareValues(a[i], bl[i]);
      if (c !== 0) return c;
    }
    return a.length - bl.length;
  }
  if (isJsonObject(a)) return compareStrings(goJson(a), goJson(b));
  return 0;
}

/** The human spelling used in conflict messages: `.spec.containers[name="web"].image`. */
export function pathString(path: FieldPath): string {
  return path.map(elementString).join('');
}

function elementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map((f) => `${f.name}=${valueString(f.value)}`).join(',')}]`;
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

function valueString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (isJsonObject(v))
    return Object.entries(v)
      .map(([k, x]) => `${k}=${valueString(x)}`)
      .join('');
  return String(v);
}

/** A path for error messages: `spec.containers[name="web"].image`, or `<root>`. */
export function pathLabel(path: FieldPath): string {
  const s = pathString(path);
  return (s.startsWith('.') ? s.slice(1) : s) || '<root>';
}
