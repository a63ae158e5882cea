/**
 * Components through a real OCI registry (Debian's docker-registry): `wisp push` publishes a
 * component built from WAT, the image store pulls it by tag and by digest, a second pull fetches
 * no blob, and tampered or mistaken inputs are refused with nothing cached.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImagePullError, systemClock } from '@wisp/core';
import {
  registryAvailable,
  startRegistry,
  type RunningRegistry,
} from '@wisp/testkit/registry-fixture.ts';
import { sha256Digest } from '@wisp/runtime-wasm/image/digest.ts';
import { createImageStore } from '@wisp/runtime-wasm/image/image-store.ts';

const REPO = resolve(import.meta.dirname, '..');
const WISP = join(REPO, 'cli/bin/wisp.ts');
const JCO = join(REPO, 'node_modules/.bin/jco');

const HELLO_WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from a pushed component\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 30))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
`;

function run(cmd: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cmd, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function mustRun(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

const missing = !registryAvailable();
if (missing && process.env.CI === 'true') {
  throw new Error("/usr/bin/docker-registry is missing: install Debian's docker-registry");
}

describe(
  'wasm components from a real OCI registry',
  { skip: missing && "install Debian's docker-registry" },
  () => {
    let work: string;
    let registry: RunningRegistry;
    let component: string;
    let coreModule: string;
    const requests: string[] = [];
    const countingFetch = (url: string, init?: RequestInit): Promise<Response> => {
      requests.push(`${init?.method ?? 'GET'} ${url}`);
      return fetch(url, init);
    };
    const blobGets = (): number => requests.filter((r) => /^GET .*\/blobs\//.test(r)).length;
    const store = (cacheDir: string) =>
      createImageStore(
        { cacheDir, cacheBytesMax: 64 << 20 },
        { clock: systemClock(), fetch: countingFetch },
      );

    before(async () => {
      work = mkdtempSync(join(tmpdir(), 'wisp-images-it-'));
      writeFileSync(join(work, 'hello.wat'), HELLO_WAT);
      coreModule = join(work, 'hello.core.wasm');
      component = join(work, 'hello.wasm');
      mustRun(JCO, ['parse', join(work, 'hello.wat'), '-o', coreModule]);
      mustRun(JCO, ['new', coreModule, '--wasi-command', '-o', component]);
      registry = await startRegistry({ dir: join(work, 'registry') });
    });

    after(async () => {
      await registry?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    let pushedDigest = '';

    it('pushes a component with wisp push and prints its digest', () => {
      const out = mustRun(WISP, ['push', component, `${registry.host}/demo/hello:v1`]);
      const m = /^pushed (\S+)@(sha256:[0-9a-f]{64})\n$/.exec(out);
      assert.ok(m, `unexpected output: ${out}`);
      assert.equal(m[1], `${registry.host}/demo/hello:v1`);
      pushedDigest = m[2];
    });

    it('pulls by tag, then by digest, fetching the blob once', async () => {
      const cacheDir = join(work, 'cache');
      const bytes = readFileSync(component);
      const byTag = await store(cacheDir).pull(`${registry.host}/demo/hello:v1`);
      assert.equal(byTag.digest, sha256Digest(bytes));
      assert.deepEqual(readFileSync(byTag.path), bytes);
      assert.equal(blobGets(), 1);

      const again = store(cacheDir);
      const before = requests.length;
      const byDigest = await again.pull(`${registry.host}/demo/hello@${pushedDigest}`);
      assert.equal(byDigest.path, byTag.path);
      assert.equal(blobGets(), 1, 'no blob request for a cached component');
      await again.pull(`${registry.host}/demo/hello:v1`);
      assert.equal(blobGets(), 1);
      assert.ok(
        requests.slice(before).every((r) => r.includes('/manifests/')),
        requests.join('\n'),
      );
    });

    it('refuses bytes that do not match the manifest and caches nothing', async () => {
      const tag = `${registry.host}/demo/hello:v1`;
      const layer = sha256Digest(readFileSync(component));
      const hex = layer.slice('sha256:'.length);
      // Tamper with the registry's stored blob: same length, one byte flipped.
      const data = join(work, 'registry', 'storage', 'docker', 'registry', 'v2', 'blobs', 'sha256');
      const file = join(data, hex.slice(0, 2), hex, 'data');
      const tampered = readFileSync(file);
      tampered[tampered.length - 1] ^= 0xff;
      writeFileSync(file, tampered);
      const cacheDir = join(work, 'cache-tampered');
      const images = store(cacheDir);
      await assert.rejects(images.pull(tag), (e: unknown) => {
        assert.ok(e instanceof ImagePullError);
        assert.match(
          e.message,
          new RegExp(`digest mismatch: want ${layer}, got ${sha256Digest(tampered)}`),
        );
        return true;
      });
      assert.equal(images.cached(tag), false);
      assert.deepEqual(readdirSync(join(cacheDir, 'blobs', 'sha256')), []);
    });

    it('takes a file:// component only with its own digest', async () => {
      const images = store(join(work, 'cache-file'));
      const url = pathToFileURL(component).href;
      const wrong = `sha256:${'0'.repeat(64)}`;
      await assert.rejects(images.pull(`${url}@${wrong}`), /digest mismatch: want sha256:0{64}/);
      assert.equal(images.cached(`${url}@${wrong}`), false);
      const ok = await images.pull(`${url}@${sha256Digest(readFileSync(component))}`);
      assert.deepEqual(readFileSync(ok.path), readFileSync(component));
    });

    it('refuses to push a core module', () => {
      const r = run(WISP, ['push', coreModule, `${registry.host}/demo/core:v1`]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /core WebAssembly module, not a component/);
    });
  },
);
