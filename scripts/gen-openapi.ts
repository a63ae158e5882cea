/**
 * Writes `api/src/openapi/definitions.json`: OpenAPI v3 component schemas, named as upstream
 * names them, for every kind in `api/src/resources.ts` (and its List), the envelopes the REST
 * surface uses (Status, DeleteOptions, WatchEvent, Patch, Scale, Binding, Eviction) and all they
 * reference. The docs come from the `kubernetes-types` declarations, read with the TypeScript
 * compiler API; list merge semantics come from `api/src/openapi/list-semantics.ts`.
 *
 *   node scripts/gen-openapi.ts           # rewrite the file
 *   node scripts/gen-openapi.ts --check   # exit 1 if the file is not what would be written
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { LIST_SEMANTICS } from '@wisp/api/openapi/list-semantics.ts';
import {
  INT_OR_STRING,
  QUANTITY,
  META_V1,
  V3_REF_PREFIX,
  type GroupVersionKind,
  type JsonSchema,
} from '@wisp/api/openapi/schema.ts';
import { RESOURCES, groups } from '@wisp/api/resources.ts';

const OUTPUT = path.join(import.meta.dirname, '..', 'api', 'src', 'openapi', 'definitions.json');
const TYPES_DIR = path.dirname(
  createRequire(path.join(import.meta.dirname, '..', 'api', 'package.json')).resolve(
    'kubernetes-types/package.json',
  ),
);

/** Upstream Go package of each declaration file (path under kubernetes-types, no extension). */
function packageOfModule(module: string): string {
  if (module === 'meta/v1') return META_V1;
  if (module === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (module === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  if (module === 'version') return 'io.k8s.apimachinery.pkg.version';
  if (module.startsWith('apiextensions/')) {
    return `io.k8s.apiextensions-apiserver.pkg.apis.${module.replace('/', '.')}`;
  }
  return `io.k8s.api.${module.replace('/', '.')}`;
}

type Declaration = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

interface Module {
  readonly name: string;
  readonly pkg: string;
  readonly declarations: Map<string, Declaration>;
  /** Local name → [module, exported name]. */
  readonly imports: Map<string, readonly [string, string]>;
}

const modules = new Map<string, Module>();

function loadModule(name: string): Module {
  const cached = modules.get(name);
  if (cached) return cached;
  const file = path.join(TYPES_DIR, `${name}.d.ts`);
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const module: Module = {
    name,
    pkg: packageOfModule(name),
    declarations: new Map(),
    imports: new Map(),
  };
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      module.declarations.set(statement.name.text, statement);
    } else if (ts.isImportDeclaration(statement)) {
      readImports(module, statement);
    }
  }
  modules.set(name, module);
  return module;
}

function readImports(module: Module, statement: ts.ImportDeclaration): void {
  const spec = (statement.moduleSpecifier as ts.StringLiteral).text;
  const from = path.posix.normalize(path.posix.join(path.posix.dirname(module.name), spec));
  const bindings = statement.importClause?.namedBindings;
  if (!bindings || !ts.isNamedImports(bindings)) return;
  for (const element of bindings.elements) {
    const exported = (element.propertyName ?? element.name).text;
    module.imports.set(element.name.text, [from, exported]);
  }
}

/** The doc comment on a declaration or property, as upstream's `description`. */
function docOf(node: ts.Node): string | undefined {
  const parts = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .filter((text) => text.length > 0);
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/** Generates definitions on demand: resolving a reference queues the referenced type. */
class Generator {
  readonly definitions = new Map<string, JsonSchema>();
  private readonly pending: [Module, string][] = [];

  addRoot(moduleName: string, typeName: string, gvks: GroupVersionKind[]): void {
    const name = this.reference(loadModule(moduleName), typeName);
    this.drain();
    const schema = this.definitions.get(name);
    if (!schema) throw new Error(`${name}: not generated`);
    if (gvks.length > 0) schema['x-kubernetes-group-version-kind'] = gvks;
  }

  /** Full definition name of `typeName` as seen from `module`, queuing it if new. */
  reference(module: Module, typeName: string): string {
    const imported = module.imports.get(typeName);
    if (imported) return this.reference(loadModule(imported[0]), imported[1]);
    if (!module.declarations.has(typeName)) {
      throw new Error(`${module.name}: no declaration of ${typeName}`);
    }
    const name = `${module.pkg}.${typeName}`;
    if (
      !this.definitions.has(name) &&
      !this.pending.some(([m, t]) => m === module && t === typeName)
    ) {
      this.pending.push([module, typeName]);
    }
    return name;
  }

  private drain(): void {
    for (let next = this.pending.shift(); next; next = this.pending.shift()) {
      const [module, typeName] = next;
      const name = `${module.pkg}.${typeName}`;
      if (this.definitions.has(name)) continue;
      const declaration = module.declarations.get(typeName) as Declaration;
      this.definitions.set(name, this.definition(module, name, declaration));
    }
  }

  private definition(module: Module, name: string, declaration: Declaration): JsonSchema {
    const description = docOf(declaration);
    if (ts.isTypeAliasDeclaration(declaration)) return aliasSchema(name, description);
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const member of declaration.members) {
      if (!ts.isPropertySignature(member) || !member.type) {
        throw new Error(`${name}: unsupported member ${member.getText()}`);
      }
      const key = ts.isStringLiteral(member.name) ? member.name.text : member.name.getText();
      properties[key] = this.property(module, member);
      if (!member.questionToken) required.push(key);
    }
    applyListSemantics(name, properties);
    const schema: JsonSchema = { description, type: 'object' };
    if (required.length > 0) schema.required = required;
    if (Object.keys(properties).length > 0) schema.properties = properties;
    return dropUndefined(schema);
  }

  private property(module: Module, member: ts.PropertySignature): JsonSchema {
    const schema = this.typeSchema(module, member.type as ts.TypeNode);
    const description = docOf(member);
    if (schema.$ref) return description ? { description, allOf: [schema] } : schema;
    return dropUndefined({ description, ...schema });
  }

  private typeSchema(module: Module, node: ts.TypeNode): JsonSchema {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      // Kubernetes API conventions forbid floats; every number in these types is an integer.
      case ts.SyntaxKind.NumberKeyword:
        return { type: 'integer' };
    }
    if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) return { type: 'string' };
    if (ts.isArrayTypeNode(node)) {
      return { type: 'array', items: this.typeSchema(module, node.elementType) };
    }
    if (ts.isUnionTypeNode(node)) return intOrStringRef(node);
    if (ts.isTypeLiteralNode(node)) return this.mapSchema(module, node);
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
      const args = node.typeArguments ?? [];
      if (node.typeName.text === 'Array' && args.length === 1) {
        return { type: 'array', items: this.typeSchema(module, args[0]) };
      }
      return { $ref: V3_REF_PREFIX + this.reference(module, node.typeName.text) };
    }
    throw new Error(`${module.name}: unsupported type ${node.getText()}`);
  }

  /** `{ [name: string]: T }`, which is how the declarations spell a Go map. */
  private mapSchema(module: Module, node: ts.TypeLiteralNode): JsonSchema {
    const [index] = node.members;
    if (node.members.length !== 1 || !ts.isIndexSignatureDeclaration(index)) {
      throw new Error(`${module.name}: unsupported type literal ${node.getText()}`);
    }
    return { type: 'object', additionalProperties: this.typeSchema(module, index.type) };
  }
}

function intOrStringRef(node: ts.UnionTypeNode): JsonSchema {
  const kinds = node.types.map((t) => t.kind).sort();
  const expected = [ts.SyntaxKind.NumberKeyword, ts.SyntaxKind.StringKeyword].sort();
  if (kinds.join() !== expected.join()) throw new Error(`unsupported union ${node.getText()}`);
  return { $ref: V3_REF_PREFIX + INT_OR_STRING };
}

/** Type aliases are the string-encoded scalars; upstream gives each its wire format. */
function aliasSchema(name: string, description: string | undefined): JsonSchema {
  if (name === QUANTITY) {
    return dropUndefined({ description, oneOf: [{ type: 'string' }, { type: 'number' }] });
  }
  if (name === `${META_V1}.Time` || name === `${META_V1}.MicroTime`) {
    return dropUndefined({ description, type: 'string', format: 'date-time' });
  }
  throw new Error(`${name}: no schema for this type alias`);
}

function intOrStringSchema(): JsonSchema {
  return {
    description:
      'IntOrString holds either an int32 or a string. In JSON and YAML it is written as ' +
      'whichever of the two it holds, so a field of this type accepts a number (such as a ' +
      'port number or a count) or a string (such as a port name or a percentage).',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  };
}

function applyListSemantics(name: string, properties: Record<string, JsonSchema>): void {
  const table = LIST_SEMANTICS[name];
  if (!table) return;
  for (const [key, semantics] of Object.entries(table)) {
    const property = properties[key];
    if (!property) throw new Error(`list-semantics.ts: ${name} has no property ${key}`);
    if (semantics.patchStrategy) property['x-kubernetes-patch-strategy'] = semantics.patchStrategy;
    if (semantics.patchMergeKey) property['x-kubernetes-patch-merge-key'] = semantics.patchMergeKey;
    if (semantics.listType) property['x-kubernetes-list-type'] = semantics.listType;
    if (semantics.listMapKeys) property['x-kubernetes-list-map-keys'] = [...semantics.listMapKeys];
  }
}

function dropUndefined(schema: JsonSchema): JsonSchema {
  for (const key of Object.keys(schema) as (keyof JsonSchema)[]) {
    if (schema[key] === undefined) delete schema[key];
  }
  return schema;
}

interface Root {
  readonly module: string;
  readonly type: string;
  readonly gvks: GroupVersionKind[];
}

function moduleOf(group: string, version: string): string {
  return `${group === '' ? 'core' : group.split('.')[0]}/${version}`;
}

/** Every kind served, its List, and the envelopes of the REST surface. */
function roots(): Root[] {
  const out: Root[] = [];
  for (const r of RESOURCES) {
    const gvk = (kind: string): GroupVersionKind[] => [
      { group: r.group, kind, version: r.version },
    ];
    const module = moduleOf(r.group, r.version);
    out.push({ module, type: r.kind, gvks: gvk(r.kind) });
    if (!r.virtual) out.push({ module, type: `${r.kind}List`, gvks: gvk(`${r.kind}List`) });
  }
  const everyGroup = [{ name: '', version: 'v1' }, ...groups()];
  const inEveryGroup = (kind: string): GroupVersionKind[] =>
    everyGroup.map((g) => ({ group: g.name, kind, version: g.version }));
  out.push(
    { module: 'meta/v1', type: 'Status', gvks: [{ group: '', kind: 'Status', version: 'v1' }] },
    { module: 'meta/v1', type: 'DeleteOptions', gvks: inEveryGroup('DeleteOptions') },
    { module: 'meta/v1', type: 'WatchEvent', gvks: inEveryGroup('WatchEvent') },
    { module: 'meta/v1', type: 'Patch', gvks: [] },
    {
      module: 'autoscaling/v1',
      type: 'Scale',
      gvks: [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }],
    },
    { module: 'core/v1', type: 'Binding', gvks: [{ group: '', kind: 'Binding', version: 'v1' }] },
    {
      module: 'policy/v1',
      type: 'Eviction',
      gvks: [{ group: 'policy', kind: 'Eviction', version: 'v1' }],
    },
  );
  return out;
}

export function generate(): Record<string, JsonSchema> {
  const generator = new Generator();
  for (const root of roots()) generator.addRoot(root.module, root.type, root.gvks);
  generator.definitions.set(INT_OR_STRING, intOrStringSchema());
  const sorted: Record<string, JsonSchema> = {};
  for (const name of [...generator.definitions.keys()].sort()) {
    sorted[name] = generator.definitions.get(name) as JsonSchema;
  }
  return sorted;
}

function main(args: readonly string[]): number {
  const text = `${JSON.stringify(generate())}\n`;
  if (args.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUTPUT, 'utf8');
    } catch {
      // A missing file is just out of date.
    }
    if (current === text) return 0;
    console.error(
      `${path.relative(process.cwd(), OUTPUT)} is stale: run node scripts/gen-openapi.ts`,
    );
    return 1;
  }
  writeFileSync(OUTPUT, text);
  const count = Object.keys(JSON.parse(text) as object).length;
  console.error(
    `wrote ${path.relative(process.cwd(), OUTPUT)}: ${count} definitions, ${text.length} bytes`,
  );
  return 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
