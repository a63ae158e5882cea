/**
 * Builds the example components under examples/ (what `npm run build:examples` runs): each into
 * the shared component cache (wasm-build-cache.ts), then copied to `examples/<name>/dist/` with
 * `image.txt` holding the `file://…@sha256:…` reference `wisp up` deploys without a registry.
 * A build whose source hash matches `dist/source-hash` is skipped.
 *
 *   const results = await buildExamples({ log: console.log });
 */
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  COMPONENT_FILE,
  cachedBuild,
  defaultComponentCacheDir,
  fileDigest,
  fileRef,
  sourceHash,
} from './wasm-build-cache.ts';
import {
  REPO_ROOT,
  clangVersion,
  compileC,
  componentizeJs,
  coreToCommand,
  jcoVersion,
} from './wasm-toolchain.ts';

/** Bump when the build steps change in a way the hashed inputs do not show. */
const RECIPE_VERSION = 'wisp-example-v1';

export interface ExampleRecipe {
  readonly name: string;
  readonly kind: 'js' | 'c';
  /** The source file, relative to the example's folder. */
  readonly entry: string;
  /** Every file whose bytes shape the build (the entry included), relative to the folder. */
  readonly inputs: readonly string[];
  /** JS only: the WIT world file, relative to the folder. */
  readonly world?: string;
}

export const EXAMPLE_RECIPES: readonly ExampleRecipe[] = [
  {
    name: 'hello-http',
    kind: 'js',
    entry: 'src/handler.js',
    world: 'world.wit',
    inputs: ['src/handler.js', 'world.wit'],
  },
  { name: 'sensor', kind: 'c', entry: 'src/sensor.c', inputs: ['src/sensor.c'] },
];

export type ExampleBuildStatus = 'built' | 'cached' | 'unchanged';

export interface ExampleBuild {
  readonly name: string;
  /** The component in `examples/<name>/dist/`. */
  readonly path: string;
  readonly digest: string;
  readonly ref: string;
  readonly size: number;
  readonly sourceHash: string;
  /** built: compiled now; cached: copied from the component cache; unchanged: dist was current. */
  readonly status: ExampleBuildStatus;
}

/** Builds `recipe` from `exampleDir` into `outWasm`. */
export type ExampleBuilder = (
  recipe: ExampleRecipe,
  exampleDir: string,
  outWasm: string,
) => Promise<void>;

export interface BuildExamplesOptions {
  /** The repository root (examples live in `<root>/examples`). */
  readonly root?: string;
  readonly cacheDir?: string;
  readonly recipes?: readonly ExampleRecipe[];
  /** Rebuild even when dist is current and the cache holds the build. */
  readonly force?: boolean;
  readonly builder?: ExampleBuilder;
  /** The tool versions that enter the hash; tests pass a constant. */
  readonly toolIdentity?: (kind: ExampleRecipe['kind']) => Promise<string>;
  readonly log?: (line: string) => void;
}

export const realExampleBuilder: ExampleBuilder = async (recipe, exampleDir, outWasm) => {
  const entry = join(exampleDir, recipe.entry);
  if (recipe.kind === 'js') {
    const world = readFileSync(join(exampleDir, recipe.world ?? 'world.wit'), 'utf8');
    await componentizeJs(entry, world, outWasm);
    return;
  }
  const core = `${outWasm}.core.wasm`;
  await compileC(readFileSync(entry, 'utf8'), core);
  await coreToCommand(core, outWasm);
};

export async function realToolIdentity(kind: ExampleRecipe['kind']): Promise<string> {
  return kind === 'c' ? `${jcoVersion()} ${await clangVersion()}` : jcoVersion();
}

/** The hash of everything that shapes an example's build. */
export async function exampleSourceHash(
  exampleDir: string,
  recipe: ExampleRecipe,
  toolIdentity: (kind: ExampleRecipe['kind']) => Promise<string> = realToolIdentity,
): Promise<string> {
  const parts: (string | Uint8Array)[] = [RECIPE_VERSION, recipe.kind, recipe.entry];
  parts.push(await toolIdentity(recipe.kind));
  for (const input of [...recipe.inputs].sort()) {
    parts.push(input, await readFile(join(exampleDir, input)));
  }
  return sourceHash(parts);
}

/**
 * The example's component in the component cache (building it if needed), without touching
 * dist. Tests use this through buildFixture('http-hello').
 */
export async function cachedExampleComponent(
  recipe: ExampleRecipe,
  opts: BuildExamplesOptions = {},
): Promise<{ path: string; sourceHash: string; built: boolean }> {
  const exampleDir = join(opts.root ?? REPO_ROOT, 'examples', recipe.name);
  const hash = await exampleSourceHash(exampleDir, recipe, opts.toolIdentity);
  const builder = opts.builder ?? realExampleBuilder;
  let built = false;
  const cacheDir = opts.cacheDir ?? defaultComponentCacheDir();
  if (opts.force) await rm(join(cacheDir, hash), { recursive: true, force: true });
  const dir = await cachedBuild(cacheDir, hash, async (tmp) => {
    built = true;
    await builder(recipe, exampleDir, join(tmp, COMPONENT_FILE));
  });
  return { path: join(dir, COMPONENT_FILE), sourceHash: hash, built };
}

/** Builds one example into its dist folder unless dist already holds this source hash. */
export async function buildExample(
  recipe: ExampleRecipe,
  opts: BuildExamplesOptions = {},
): Promise<ExampleBuild> {
  const exampleDir = join(opts.root ?? REPO_ROOT, 'examples', recipe.name);
  const dist = join(exampleDir, 'dist');
  const wasm = join(dist, `${recipe.name}.wasm`);
  const hash = await exampleSourceHash(exampleDir, recipe, opts.toolIdentity);
  const current = !opts.force && distHolds(dist, wasm, hash);
  if (current) return describe(recipe.name, wasm, hash, 'unchanged', current.digest);

  const cached = await cachedExampleComponent(recipe, opts);
  const digest = fileDigest(cached.path);
  await installDist(dist, wasm, cached.path, hash, fileRef(wasm, digest));
  return describe(recipe.name, wasm, hash, cached.built ? 'built' : 'cached', digest);
}

/** Builds every example; the results are in recipe order. */
export async function buildExamples(opts: BuildExamplesOptions = {}): Promise<ExampleBuild[]> {
  const results: ExampleBuild[] = [];
  for (const recipe of opts.recipes ?? EXAMPLE_RECIPES) {
    const result = await buildExample(recipe, opts);
    opts.log?.(
      `${result.name.padEnd(12)} ${result.status.padEnd(9)} ${formatBytes(result.size).padStart(9)}` +
        `  ${result.digest}`,
    );
    results.push(result);
  }
  return results;
}

/** dist is current when its hash file matches and the component still has the recorded digest. */
function distHolds(dist: string, wasm: string, hash: string): { digest: string } | undefined {
  const hashFile = join(dist, 'source-hash');
  const imageFile = join(dist, 'image.txt');
  if (![hashFile, imageFile, wasm].every((f) => existsSync(f))) return undefined;
  if (readFileSync(hashFile, 'utf8').trim() !== hash) return undefined;
  const digest = fileDigest(wasm);
  if (readFileSync(imageFile, 'utf8').trim() !== fileRef(wasm, digest)) return undefined;
  return { digest };
}

/** Copies via temp names and renames, so a concurrent reader never sees a torn file. */
async function installDist(
  dist: string,
  wasm: string,
  from: string,
  hash: string,
  ref: string,
): Promise<void> {
  await mkdir(dist, { recursive: true });
  const suffix = `.tmp-${process.pid}`;
  await copyFile(from, wasm + suffix);
  await rename(wasm + suffix, wasm);
  await writeFile(join(dist, `image.txt${suffix}`), `${ref}\n`);
  await rename(join(dist, `image.txt${suffix}`), join(dist, 'image.txt'));
  // The hash goes last: it is what says the other two are current.
  await writeFile(join(dist, `source-hash${suffix}`), `${hash}\n`);
  await rename(join(dist, `source-hash${suffix}`), join(dist, 'source-hash'));
}

async function describe(
  name: string,
  path: string,
  hash: string,
  status: ExampleBuildStatus,
  digest: string,
): Promise<ExampleBuild> {
  const { size } = await stat(path);
  return { name, path, digest, ref: fileRef(path, digest), size, sourceHash: hash, status };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}
