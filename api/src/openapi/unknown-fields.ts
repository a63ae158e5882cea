/**
 * Server-side field validation (`fieldValidation=Strict|Warn`): which fields of a request body
 * the schema of its kind does not know. kubectl sends `fieldValidation=Strict` once our
 * OpenAPI v3 advertises the parameter, and prints the server's answer, `unknown field
 * "spec.foo"`, so the paths returned here are written the same way with a leading dot.
 *
 *   findUnknownFields('apps/v1', 'Deployment', obj)  // ['.spec.replica', '.spec.template.x']
 */
import { DEFINITIONS, resolve } from './definitions.ts';
import type { JsonSchema } from './schema.ts';

let byApiVersionKind: ReadonlyMap<string, JsonSchema> | undefined;

function index(): ReadonlyMap<string, JsonSchema> {
  if (byApiVersionKind) return byApiVersionKind;
  const out = new Map<string, JsonSchema>();
  for (const schema of Object.values(DEFINITIONS)) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      out.set(`${apiVersion}/${gvk.kind}`, schema);
    }
  }
  byApiVersionKind = out;
  return out;
}

/** The schema of a kind (`apps/v1`, `Deployment`), or undefined for a kind we have none of. */
export function schemaFor(apiVersion: string, kind: string): JsonSchema | undefined {
  return index().get(`${apiVersion}/${kind}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Walks `value` along `schema`. A type mismatch is not an unknown field (decoding reports it), so
 * the walk only descends where both sides are objects or both are lists. An object schema with
 * neither properties nor additionalProperties (RawExtension, FieldsV1) holds anything, as does
 * one marked `x-kubernetes-preserve-unknown-fields`.
 */
function walk(schema: JsonSchema, value: unknown, path: string, out: string[]): void {
  const s = resolve(schema);
  if (s['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    if (s.items)
      value.forEach((item, i) => walk(s.items as JsonSchema, item, `${path}[${i}]`, out));
    return;
  }
  if (!isPlainObject(value) || (s.type !== undefined && s.type !== 'object')) return;
  const extra = s.additionalProperties;
  if (!s.properties && extra === undefined) return;
  for (const [key, child] of Object.entries(value)) {
    const known = s.properties && Object.hasOwn(s.properties, key) ? s.properties[key] : undefined;
    if (known) walk(known, child, `${path}.${key}`, out);
    else if (typeof extra === 'object') walk(extra, child, `${path}.${key}`, out);
    else if (extra !== true) out.push(`${path}.${key}`);
  }
}

/**
 * Paths (`.spec.foo`, `.spec.containers[0].bar`, `.metadata.foo`) of the fields of `obj` that
 * the schema of its kind does not declare, in document order. Empty for kinds without a schema.
 */
export function findUnknownFields(apiVersion: string, kind: string, obj: unknown): string[] {
  const schema = schemaFor(apiVersion, kind);
  return schema ? findUnknownFieldsIn(schema, obj) : [];
}

/** The same check against any schema, such as a custom resource's `openAPIV3Schema`. */
export function findUnknownFieldsIn(schema: JsonSchema, obj: unknown): string[] {
  const out: string[] = [];
  walk(schema, obj, '', out);
  return out;
}
