/**
 * Builds `echo-guest.js` into a wasi:http component with componentize-js (≈8 s, ≈850 MB, so in
 * a child process) and transpiles it with HOST's transpile cache, both cached under
 * os.tmpdir()/wisp-test-components keyed by the source hash: a test run builds at most once.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTranspileCache } from '../../host/transpile-cache.ts';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '../../../..');
const bin = (name: string): string => join(repoRoot, 'node_modules/.bin', name);
export const cacheRoot = join(tmpdir(), 'wisp-test-components');

/** Runs in the child: componentize `source` against the proxy WIT in `wit` into `out`. */
const buildScript = `
import { componentize } from '@bytecodealliance/componentize-js';
import { writeFileSync } from 'node:fs';
const [sourcePath, witPath, out] = process.argv.slice(1);
const { component } = await componentize({ sourcePath, witPath, worldName: 'proxy' });
writeFileSync(out, component);
`;

async function buildComponent(source: string, out: string): Promise<void> {
  const work = await mkdtemp(join(cacheRoot, 'build-'));
  try {
    await run(
      bin('jco'),
      ['scaffold', 'scaf', '--wit', 'builtin:wasi-proxy@0.2.x', '--language', 'js'],
      {
        cwd: work,
      },
    );
    const tmpOut = join(work, 'component.wasm');
    const node = process.execPath;
    await run(
      node,
      ['--input-type=module', '-e', buildScript, source, join(work, 'scaf/wit'), tmpOut],
      {
        cwd: repoRoot,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    await rename(tmpOut, out);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface EchoComponent {
  readonly wasmPath: string;
  readonly componentDir: string;
}

export async function echoComponent(): Promise<EchoComponent> {
  await mkdir(cacheRoot, { recursive: true });
  const source = join(here, 'echo-guest.js');
  const text = await readFile(source);
  const pkg = await readFile(
    join(repoRoot, 'node_modules/@bytecodealliance/componentize-js/package.json'),
  );
  const key = createHash('sha256').update(text).update(pkg).digest('hex').slice(0, 16);
  const wasmPath = join(cacheRoot, `http-echo-${key}.wasm`);
  if (!existsSync(wasmPath)) await buildComponent(source, wasmPath);
  const digest = `sha256:${createHash('sha256')
    .update(await readFile(wasmPath))
    .digest('hex')}`;
  const cache = createTranspileCache({ cacheDir: join(cacheRoot, 'transpiled') });
  const { dir, world } = await cache.prepare(digest, wasmPath);
  if (world !== 'http') throw new Error(`echo component detected as world ${world}`);
  return { wasmPath, componentDir: dir };
}
