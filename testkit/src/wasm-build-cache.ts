/**
 * A content-addressed cache of built components shared by every test process on the machine:
 * `<cacheDir>/<source-hash>/component.wasm`. A build runs in a fresh temp folder and is renamed
 * into place, so concurrent processes never see half a build; when two race, the loser's copy
 * is discarded.
 *
 *   const hash = sourceHash(['recipe-v1', source]);
 *   const dir = await cachedBuild(cacheDir, hash, (tmp) => build(join(tmp, COMPONENT_FILE)));
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const COMPONENT_FILE = 'component.wasm';
/** Written last; a folder without it is an interrupted build and is rebuilt. */
const COMPLETE_MARKER = '.complete';

/** The default cache of test components. */
export function defaultComponentCacheDir(): string {
  return join(tmpdir(), 'wisp-test-components');
}

/**
 * sha256 over the parts, each length-prefixed so `['ab', 'c']` and `['a', 'bc']` differ.
 * Parts are the recipe version, tool versions and every source text.
 */
export function sourceHash(parts: readonly (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    h.update(`${bytes.length}:`);
    h.update(bytes);
  }
  return h.digest('hex');
}

/** `sha256:<hex>` of a file's bytes, as OCI and image references write digests. */
export function fileDigest(path: string): string {
  return `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
}

/** The image reference `wisp up` and the wasm runtime accept for a local file. */
export function fileRef(path: string, digest: string): string {
  return `file://${path}@${digest}`;
}

/** The bytes `\0asm` + version 0x0d, layer 1: a component, not a core module. */
export function isComponentBinary(bytes: Uint8Array): boolean {
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
  return bytes.length >= 8 && magic.every((b, i) => bytes[i] === b);
}

const inFlight = new Map<string, Promise<string>>();

/**
 * Returns `<cacheDir>/<key>`, running `build(tmpDir)` first if no complete build is there.
 * `build` must leave `component.wasm` in `tmpDir`; anything else it writes is kept as well.
 */
export function cachedBuild(
  cacheDir: string,
  key: string,
  build: (tmpDir: string) => Promise<void>,
): Promise<string> {
  const final = join(cacheDir, key);
  if (isComplete(final)) return Promise.resolve(final);
  const running = inFlight.get(final);
  if (running) return running;
  const promise = buildInto(cacheDir, final, key, build).finally(() => inFlight.delete(final));
  inFlight.set(final, promise);
  return promise;
}

function isComplete(dir: string): boolean {
  return existsSync(join(dir, COMPLETE_MARKER)) && existsSync(join(dir, COMPONENT_FILE));
}

async function buildInto(
  cacheDir: string,
  final: string,
  key: string,
  build: (tmpDir: string) => Promise<void>,
): Promise<string> {
  await mkdir(cacheDir, { recursive: true });
  const tmp = await mkdtemp(join(cacheDir, `.build-${key.slice(0, 12)}-`));
  try {
    await build(tmp);
    const wasm = await readFile(join(tmp, COMPONENT_FILE));
    if (!isComponentBinary(wasm)) {
      throw new Error(`build of ${key} produced no component (bad magic bytes)`);
    }
    await writeFile(join(tmp, COMPLETE_MARKER), `${key}\n`);
    // An interrupted earlier build leaves a folder without the marker: clear it first.
    if (existsSync(final) && !isComplete(final)) await rm(final, { recursive: true, force: true });
    try {
      await rename(tmp, final);
    } catch (e) {
      // Another process finished the same build first; its copy is as good as ours.
      if (!isComplete(final)) throw e;
    }
    return final;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
