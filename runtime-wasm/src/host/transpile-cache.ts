/**
 * Transpiles a component once per digest with jco (async instantiation: we supply every
 * import) into `cacheDir/<digest-hex>/`, written to a temporary directory and renamed into
 * place so a crash never leaves a half-written entry.
 *
 *   const cache = createTranspileCache({ cacheDir }, { clock });
 *   const { dir, world } = await cache.prepare('sha256:ab…', '/blobs/ab….wasm');
 *   // dir/component.js exports instantiate(getCoreModule, imports)
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '@wisp/core';

export type World = 'cli' | 'http';

/** The name jco gives the generated files: `component.js`, `component.core*.wasm`. */
export const componentName = 'component';
const metaFile = 'wisp-transpile.json';

export class TranspileError extends Error {
  readonly code = 'ERR_TRANSPILE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TranspileError';
  }
}

export interface TranspileResult {
  files: Record<string, Uint8Array>;
  exports: [string, string][];
}
export type TranspileFn = (componentPath: string) => Promise<TranspileResult>;

export interface TranspileCacheInit {
  readonly cacheDir: string;
}
export interface TranspileCacheComponents {
  readonly clock?: Clock;
  /** Replaceable for tests; defaults to @bytecodealliance/jco-transpile. */
  readonly transpile?: TranspileFn;
}
export interface PreparedComponent {
  readonly dir: string;
  readonly world: World;
  /** How long jco took, when this call transpiled (absent on a cache hit). */
  readonly transpileMs?: number;
}
export interface TranspileCache {
  prepare(digest: string, componentPath: string): Promise<PreparedComponent>;
}

export async function jcoTranspile(componentPath: string): Promise<TranspileResult> {
  const { transpile } = await import('@bytecodealliance/jco-transpile');
  return transpile(componentPath, {
    name: componentName,
    instantiation: 'async',
    emitTypescriptDeclarations: false,
    noComponentErrorWrapping: true,
  });
}

/** `wasi:cli/run` → cli, `wasi:http/incoming-handler` → http, at any 0.2.x version. */
export function detectWorld(exports: readonly (readonly [string, string])[]): World {
  const names = exports.map(([name]) => name.replace(/@[^/@]*$/, ''));
  if (names.includes('wasi:http/incoming-handler')) return 'http';
  if (names.includes('wasi:cli/run')) return 'cli';
  throw new TranspileError(
    'component exports neither wasi:cli/run nor wasi:http/incoming-handler ' +
      `(exports: ${names.join(', ') || 'none'})`,
  );
}

function digestHex(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m)
    throw new TranspileError(`digest: must be sha256:<64 hex>, got ${JSON.stringify(digest)}`);
  return m[1]!;
}

async function readMeta(dir: string): Promise<{ world: World } | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, metaFile), 'utf8')) as { world: World };
  } catch {
    return undefined;
  }
}

export function createTranspileCache(
  init: TranspileCacheInit,
  components: TranspileCacheComponents = {},
): TranspileCache {
  const transpile = components.transpile ?? jcoTranspile;
  const inFlight = new Map<string, Promise<PreparedComponent>>();
  let tmpSeq = 0;

  async function build(hex: string, componentPath: string): Promise<PreparedComponent> {
    const dir = join(init.cacheDir, hex);
    const meta = await readMeta(dir);
    if (meta) return { dir, world: meta.world };
    const started = components.clock?.monotonic();
    let result: TranspileResult;
    try {
      result = await transpile(componentPath);
    } catch (err) {
      throw new TranspileError(`transpile ${componentPath}: ${String(err)}`, { cause: err });
    }
    const world = detectWorld(result.exports);
    const transpileMs = started === undefined ? undefined : components.clock!.monotonic() - started;
    const tmp = join(init.cacheDir, `.tmp-${hex}-${process.pid}-${tmpSeq++}`);
    try {
      for (const [name, bytes] of Object.entries(result.files)) {
        if (name.endsWith('.d.ts')) continue;
        await mkdir(dirname(join(tmp, name)), { recursive: true });
        await writeFile(join(tmp, name), bytes);
      }
      await writeFile(join(tmp, 'package.json'), '{"type":"module"}\n');
      await writeFile(join(tmp, metaFile), JSON.stringify({ world, transpileMs }) + '\n');
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      // Another process may have renamed the same digest into place first; theirs is as good.
      if (!(await readMeta(dir))) throw err;
    }
    return { dir, world, transpileMs };
  }

  return {
    async prepare(digest, componentPath) {
      const hex = digestHex(digest);
      await mkdir(init.cacheDir, { recursive: true });
      const running = inFlight.get(hex);
      if (running) return running;
      const p = build(hex, componentPath).finally(() => inFlight.delete(hex));
      inFlight.set(hex, p);
      return p;
    },
  };
}
