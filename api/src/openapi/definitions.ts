/**
 * The generated component schemas (`definitions.json`, written by `scripts/gen-openapi.ts`) and
 * the lookups every OpenAPI consumer needs. The table is frozen: documents built from it share
 * its objects.
 */
import data from './definitions.json' with { type: 'json' };
import { refName, type Definitions, type JsonSchema } from './schema.ts';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export const DEFINITIONS: Definitions = deepFreeze(data as unknown as Definitions);

export function definition(name: string): JsonSchema | undefined {
  return Object.hasOwn(DEFINITIONS, name) ? DEFINITIONS[name] : undefined;
}

/**
 * The schema a property or item points at: follows `$ref` and the single-element `allOf` that
 * upstream wraps a documented reference in. Unresolvable references yield the schema itself.
 */
export function resolve(schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; hops < 8; hops++) {
    const next = current.allOf?.length === 1 ? current.allOf[0] : current;
    const name = next.$ref === undefined ? undefined : refName(next.$ref);
    const target = name === undefined ? undefined : definition(name);
    if (target) current = target;
    else return next;
  }
  return current;
}

/** Names of every definition referenced from `schema`, directly or inside nested schemas. */
export function referencedNames(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {
    for (const item of schema) referencedNames(item, into);
  } else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = refName(value);
        if (name !== undefined) into.add(name);
      } else if (typeof value === 'object') {
        referencedNames(value, into);
      }
    }
  }
  return into;
}

/** The given definitions and all they reach, sorted by name. Unknown names are dropped. */
export function reachable(roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    const schema = definition(name);
    if (seen.has(name) || !schema) continue;
    seen.add(name);
    for (const next of referencedNames(schema)) if (!seen.has(next)) queue.push(next);
  }
  return [...seen].sort();
}
