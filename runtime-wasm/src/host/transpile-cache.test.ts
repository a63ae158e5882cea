import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTranspileCache,
  detectWorld,
  TranspileError,
  type TranspileResult,
} from './transpile-cache.ts';

const work = mkdtempSync(join(tmpdir(), 'wisp-transpile-'));
after(() => rmSync(work, { recursive: true, force: true }));
const digest = (c: string): string => `sha256:${c.repeat(64)}`;

function fakeTranspile(exports: [string, string][], calls: string[]) {
  return async (path: string): Promise<TranspileResult> => {
    calls.push(path);
    return {
      files: {
        'component.js': new TextEncoder().encode('export {}'),
        'component.core.wasm': new Uint8Array([0, 97, 115, 109]),
        'component.d.ts': new Uint8Array(),
      },
      exports,
    };
  };
}

describe('detectWorld', () => {
  it('tells cli and http components apart at any 0.2.x version', () => {
    assert.equal(detectWorld([['wasi:cli/run@0.2.0', 'instance']]), 'cli');
    assert.equal(detectWorld([['wasi:http/incoming-handler@0.2.10', 'instance']]), 'http');
  });

  it('names what a component exports when it is neither', () => {
    assert.throws(() => detectWorld([['add', 'function']]), /neither .* \(exports: add\)/);
  });
});

describe('createTranspileCache', () => {
  it('transpiles once per digest and serves the directory afterwards', async () => {
    const calls: string[] = [];
    const cacheDir = join(work, 'a');
    const transpile = fakeTranspile([['wasi:cli/run@0.2.12', 'instance']], calls);
    const cache = createTranspileCache({ cacheDir }, { transpile });
    const [one, two] = await Promise.all([
      cache.prepare(digest('a'), '/x.wasm'),
      cache.prepare(digest('a'), '/x.wasm'),
    ]);
    assert.equal(one.dir, join(cacheDir, 'a'.repeat(64)));
    assert.equal(two.dir, one.dir);
    const reopened = createTranspileCache({ cacheDir }, { transpile });
    assert.equal((await reopened.prepare(digest('a'), '/x.wasm')).world, 'cli');
    assert.deepEqual(calls, ['/x.wasm']);
    assert.equal(readFileSync(join(one.dir, 'component.js'), 'utf8'), 'export {}');
    assert.equal(existsSync(join(one.dir, 'component.d.ts')), false);
    assert.deepEqual(readdirSync(cacheDir), ['a'.repeat(64)]);
  });

  it('leaves nothing behind for a component of no known world', async () => {
    const cacheDir = join(work, 'b');
    const cache = createTranspileCache({ cacheDir }, { transpile: fakeTranspile([], []) });
    await assert.rejects(cache.prepare(digest('b'), '/y.wasm'), TranspileError);
    assert.deepEqual(readdirSync(cacheDir), []);
  });

  it('refuses a digest that is not sha256', async () => {
    const cache = createTranspileCache({ cacheDir: join(work, 'c') });
    await assert.rejects(cache.prepare('md5:abc', '/z.wasm'), /digest: must be sha256/);
  });
});
