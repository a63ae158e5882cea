/**
 * Small WASI components for tests, built on demand from sources kept in testkit and cached in
 * `os.tmpdir()/wisp-test-components/<source-hash>/` (safe under concurrent test processes).
 * The first build of a WAT fixture takes ~1 s, a C one ~1.5 s, a JavaScript one ~10 s and
 * ~850 MB of memory; later calls return the cached file.
 *
 *   const { path, digest, ref } = await buildFixture('exit-code');   // ref: file://…@sha256:…
 *   // run it with args ['exit-code', '3'] and expect exit code 3
 *
 * | name        | world | behaviour                                                          |
 * |-------------|-------|--------------------------------------------------------------------|
 * | hello       | cli   | prints `hello from a wasm component`, exits 0                      |
 * | exit-code   | cli   | exits with its first argument (needs wasi:cli/exit#exit-with-code) |
 * | crash       | cli   | prints `crash: about to trap` on stderr, traps                     |
 * | memory-bomb | cli   | grows memory 1 MiB at a time until a grow fails, then traps        |
 * | spin        | cli   | prints `spin: looping forever`, loops forever                      |
 * | fs-escape   | cli   | tries to escape each argument folder; `read|list|write X: allowed|denied (…)` |
 * | env-dump    | cli   | prints `arg I=V` per argument and `env K=V` per variable           |
 * | sleepy      | cli   | prints `sleepy: line I of N` every 100 ms; N = first argument      |
 * | http-hello  | http  | the hello-http example (`hello from $POD_NAME #n`)                 |
 * | http-client | http  | GETs $TARGET per request; 200 `{status,body}` or 502 `{error}`     |
 */
import { join } from 'node:path';
import { stat, writeFile } from 'node:fs/promises';
import {
  COMPONENT_FILE,
  cachedBuild,
  defaultComponentCacheDir,
  fileDigest,
  fileRef,
  sourceHash,
} from './wasm-build-cache.ts';
import {
  EXAMPLE_RECIPES,
  buildExamples,
  cachedExampleComponent,
  type ExampleBuild,
} from './wasm-examples.ts';
import { FIXTURE_SOURCES, type FixtureSource } from './wasm-fixture-sources.ts';
import {
  clangVersion,
  compileC,
  componentizeJs,
  coreToCommand,
  embedWorld,
  jcoVersion,
  watToCore,
} from './wasm-toolchain.ts';

export type FixtureName = keyof typeof FIXTURE_SOURCES | 'http-hello';

export const FIXTURE_NAMES: readonly FixtureName[] = [
  ...(Object.keys(FIXTURE_SOURCES) as (keyof typeof FIXTURE_SOURCES)[]),
  'http-hello',
];

/** Which world a fixture exports: `wasi:cli/run` or `wasi:http/incoming-handler`. */
export function fixtureWorld(name: FixtureName): 'cli' | 'http' {
  return name === 'http-hello' || name === 'http-client' ? 'http' : 'cli';
}

export interface BuiltComponent {
  readonly path: string;
  /** `sha256:<hex>` of the component file. */
  readonly digest: string;
  /** `file://<path>@sha256:<hex>` */
  readonly ref: string;
  readonly size: number;
}

export interface FixtureOptions {
  /** Defaults to `os.tmpdir()/wisp-test-components`. */
  readonly cacheDir?: string;
}

const RECIPE_VERSION = 'wisp-fixture-v1';
const digests = new Map<string, string>();

/** Builds (or finds in the cache) the named test component. */
export async function buildFixture(
  name: FixtureName,
  opts: FixtureOptions = {},
): Promise<BuiltComponent> {
  const cacheDir = opts.cacheDir ?? defaultComponentCacheDir();
  const path =
    name === 'http-hello'
      ? (await cachedExampleComponent(exampleRecipe('hello-http'), { cacheDir })).path
      : await buildFromSource(name, FIXTURE_SOURCES[name], cacheDir);
  let digest = digests.get(path);
  if (!digest) {
    digest = fileDigest(path);
    digests.set(path, digest);
  }
  const { size } = await stat(path);
  return { path, digest, ref: fileRef(path, digest), size };
}

/**
 * Builds the examples into `examples/<name>/dist/` as `npm run build:examples` does (skipping
 * current ones), for integration tests that deploy them by their `image.txt` reference.
 */
export function ensureExamples(opts: FixtureOptions = {}): Promise<ExampleBuild[]> {
  return buildExamples({ cacheDir: opts.cacheDir });
}

function exampleRecipe(name: string) {
  const recipe = EXAMPLE_RECIPES.find((r) => r.name === name);
  if (!recipe) throw new Error(`no example named ${name}`);
  return recipe;
}

async function buildFromSource(
  name: string,
  src: FixtureSource,
  cacheDir: string,
): Promise<string> {
  const tools = src.kind === 'c' ? `${jcoVersion()} ${await clangVersion()}` : jcoVersion();
  const world = src.kind === 'wat' ? '' : (src.world ?? '');
  const key = sourceHash([RECIPE_VERSION, name, src.kind, tools, src.source, world]);
  const dir = await cachedBuild(cacheDir, key, (tmp) => buildInto(name, src, tmp));
  return join(dir, COMPONENT_FILE);
}

async function buildInto(name: string, src: FixtureSource, tmp: string): Promise<void> {
  const out = join(tmp, COMPONENT_FILE);
  const core = join(tmp, `${name}.core.wasm`);
  switch (src.kind) {
    case 'wat':
      await watToCore(src.source, core);
      return coreToCommand(core, out);
    case 'c': {
      await compileC(src.source, core);
      if (!src.world) return coreToCommand(core, out);
      const embedded = join(tmp, `${name}.embed.wasm`);
      await embedWorld(core, src.world, embedded);
      return coreToCommand(embedded, out);
    }
    case 'js': {
      const entry = join(tmp, `${name}.js`);
      await writeFile(entry, src.source);
      return componentizeJs(entry, src.world, out);
    }
  }
}
