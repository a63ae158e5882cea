/**
 * The import graph of DESIGN §3, checked without ESLint so it holds even if the lint config
 * drifts: every .ts file's import specifiers (static, `export … from`, dynamic `import()`, type
 * imports too) against the allowed layers, the one-adapter-per-side rule for libp2p, and relative
 * imports that climb out of their package.
 *
 *   node scripts/check-boundaries.ts [root]     # prints `file:line: what is wrong`, exits 1 on any
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ImportRef {
  readonly specifier: string;
  /** 1-based line of the specifier. */
  readonly line: number;
}

export interface Violation {
  /** Path relative to the checked root, with `/` separators. */
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Lower layers first; a package may import any package in a layer below its own. */
const LAYERS: readonly (readonly string[])[] = [
  ['api'],
  ['core'],
  // The libp2p host both sides share; only it and the two adapters import libp2p.
  ['p2p'],
  ['controlplane', 'agent', 'runtime-wasm', 'runtime-oci', 'testkit'],
  ['cli', 'sim', 'bench'],
];

/** Packages outside the layers: browser code may share api's types; the rest import nothing. */
const OUTSIDE_LAYERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['dashboard', ['api']],
  ['firmware-images', []],
  ['examples', []],
]);

export const PACKAGES: readonly string[] = [...LAYERS.flat(), ...OUTSIDE_LAYERS.keys()];

/** Top-level folders that are not packages but may import every package (tests, tooling). */
const TOP_LEVEL_CONSUMERS: readonly string[] = ['test', 'scripts'];

/** The @wisp packages `pkg` may import besides itself, before the extra one tests get. */
export function allowedImports(pkg: string): readonly string[] {
  const outside = OUTSIDE_LAYERS.get(pkg);
  if (outside) return outside;
  if (TOP_LEVEL_CONSUMERS.includes(pkg)) return PACKAGES;
  const layer = LAYERS.findIndex((names) => names.includes(pkg));
  return layer < 0 ? [] : LAYERS.slice(0, layer).flat();
}

const TEST_ONLY_IMPORT = 'testkit';
const LIBP2P_ADAPTERS: readonly string[] = [
  'controlplane/src/p2p/libp2p-adapter.ts',
  'agent/src/p2p/libp2p-adapter.ts',
];

/** Every module specifier in `text`, in source order; strings and comments are not imports. */
export function importsOf(text: string): ImportRef[] {
  const found = ts.preProcessFile(text, true, true).importedFiles;
  const sorted = [...found].sort((a, b) => a.pos - b.pos);
  const refs: ImportRef[] = [];
  let line = 1;
  let scanned = 0;
  for (const ref of sorted) {
    for (; scanned < ref.pos; scanned++) if (text.charCodeAt(scanned) === 10) line++;
    refs.push({ specifier: ref.fileName, line });
  }
  return refs;
}

function isTestFile(file: string): boolean {
  return file.endsWith('.test.ts') || file.split('/').slice(1, -1).includes('test');
}

function isLibp2p(specifier: string): boolean {
  return /^(libp2p(\/|$)|@libp2p\/|@chainsafe\/)/.test(specifier);
}

function libp2pAllowed(file: string, owner: string): boolean {
  // firmware-images replaces two of noise's dependencies in the device bundle, tested against them.
  if (owner === 'test' || owner === 'p2p' || owner === 'firmware-images') return true;
  return LIBP2P_ADAPTERS.some((a) => file === a || file === a.replace(/\.ts$/, '.test.ts'));
}

const NEVER_EACH_OTHER: readonly string[] = ['controlplane', 'agent'];
const DASHBOARD_BUILD = '@wisp/dashboard/build.ts';

/** Why `owner` may not import `target`, or undefined if it may. */
function graphViolation(owner: string, target: string, test: boolean): string | undefined {
  if (target === owner) return undefined;
  if (!PACKAGES.includes(target)) return `unknown package @wisp/${target}`;
  const allowed = [...allowedImports(owner)];
  if (test && !allowed.includes(TEST_ONLY_IMPORT)) allowed.push(TEST_ONLY_IMPORT);
  if (allowed.includes(target)) return undefined;
  if (NEVER_EACH_OTHER.includes(owner) && NEVER_EACH_OTHER.includes(target)) {
    return (
      `${owner} imports ${target}: controlplane and agent never import each other, ` +
      'not even types; they meet in @wisp/api'
    );
  }
  const may = allowed.length ? allowed.map((p) => `@wisp/${p}`).join(', ') : 'nothing of ours';
  const who = test ? `${owner} tests` : owner;
  return `${owner} may not import @wisp/${target} (${who} may import: ${may})`;
}

function checkRelative(file: string, owner: string, spec: string, test: boolean): string[] {
  if (spec.startsWith('/')) {
    return [`'${spec}': absolute import path; use a relative path or @wisp/*`];
  }
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
  if (target.startsWith(`${owner}/`)) return [];
  const reached = target.split('/')[0];
  const messages = [`'${spec}' climbs out of ${owner}/ to ${target}; import a package instead`];
  if (PACKAGES.includes(reached)) {
    messages[0] = `'${spec}' climbs out of ${owner}/ into ${reached}/; import @wisp/${reached}`;
    const graph = graphViolation(owner, reached, test);
    if (graph) messages.push(graph);
  }
  return messages;
}

function ownerOf(file: string): string | undefined {
  const top = file.split('/')[0];
  return PACKAGES.includes(top) || TOP_LEVEL_CONSUMERS.includes(top) ? top : undefined;
}

/** Violations in one file; `file` is relative to the repository root, with `/` separators. */
export function checkFile(file: string, text: string): Violation[] {
  const owner = ownerOf(file);
  if (owner === undefined) return [];
  const test = isTestFile(file);
  const violations: Violation[] = [];
  for (const { specifier, line } of importsOf(text)) {
    const messages: string[] = [];
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      messages.push(...checkRelative(file, owner, specifier, test));
    } else if (specifier === DASHBOARD_BUILD && ['cli', 'bench'].includes(owner)) {
      // The dashboard's Node-side build script, not browser code: `wisp up` builds the bundle
      // it serves, and bench/dashboard-load measures it.
    } else if (specifier.startsWith('@wisp/')) {
      const graph = graphViolation(owner, specifier.split('/')[1], test);
      if (graph) messages.push(graph);
    } else if (isLibp2p(specifier) && !libp2pAllowed(file, owner)) {
      const adapter = LIBP2P_ADAPTERS.find((a) => a.startsWith(`${owner}/`));
      const where = adapter ?? LIBP2P_ADAPTERS.join(' or ');
      messages.push(`'${specifier}': libp2p is imported only from ${where}`);
    }
    for (const message of messages) violations.push({ file, line, message });
  }
  return violations;
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'tmp']);
const SOURCE_FILE = /\.(ts|mts|cts|tsx)$/;

/** Source files under `root` as sorted root-relative paths; skips dependencies and dot-folders. */
export function sourceFiles(root: string, dir = ''): string[] {
  const files: string[] = [];
  const entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) {
        files.push(...sourceFiles(root, rel));
      }
    } else if (entry.isFile() && SOURCE_FILE.test(entry.name)) {
      files.push(rel);
    }
  }
  return files;
}

export function checkTree(root: string): { files: number; violations: Violation[] } {
  const files = sourceFiles(root);
  const violations = files.flatMap((f) => checkFile(f, readFileSync(path.join(root, f), 'utf8')));
  return { files: files.length, violations };
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}: ${v.message}`;
}

function main(args: readonly string[]): number {
  const root = path.resolve(args[0] ?? path.join(import.meta.dirname, '..'));
  const { files, violations } = checkTree(root);
  for (const v of violations) console.log(formatViolation(v));
  const summary = `check-boundaries: ${files} files, ${violations.length} violation(s)`;
  console.error(summary);
  return violations.length ? 1 : 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
