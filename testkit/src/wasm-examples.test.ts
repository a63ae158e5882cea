import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import {
  buildExamples,
  exampleSourceHash,
  type ExampleBuilder,
  type ExampleRecipe,
} from './wasm-examples.ts';
import { fileDigest } from './wasm-build-cache.ts';

const HEADER = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);

const RECIPES: readonly ExampleRecipe[] = [
  { name: 'alpha', kind: 'c', entry: 'src/a.c', inputs: ['src/a.c'] },
  {
    name: 'beta',
    kind: 'js',
    entry: 'src/b.js',
    world: 'world.wit',
    inputs: ['src/b.js', 'world.wit'],
  },
];

describe('buildExamples', () => {
  let root = '';
  let cacheDir = '';
  let built: string[] = [];
  let toolVersion = 'tools-1';

  /** A builder that "compiles" by prefixing the entry's text with a component header. */
  const builder: ExampleBuilder = async (recipe, exampleDir, out) => {
    built.push(recipe.name);
    const source = await readFile(join(exampleDir, recipe.entry));
    await writeFile(out, Buffer.concat([HEADER, source]));
  };
  const run = (force = false) =>
    buildExamples({
      root,
      cacheDir,
      recipes: RECIPES,
      builder,
      force,
      toolIdentity: async (kind) => `${kind} ${toolVersion}`,
    });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'wisp-examples-test-'));
    cacheDir = join(root, 'cache');
    built = [];
    toolVersion = 'tools-1';
    await mkdir(join(root, 'examples/alpha/src'), { recursive: true });
    await mkdir(join(root, 'examples/beta/src'), { recursive: true });
    await writeFile(join(root, 'examples/alpha/src/a.c'), 'int main(void) { return 0; }');
    await writeFile(join(root, 'examples/beta/src/b.js'), 'export const x = 1;');
    await writeFile(join(root, 'examples/beta/world.wit'), 'world beta {}');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds every example into dist with its image reference', async () => {
    const results = await run();
    assert.deepEqual(
      results.map((r) => [r.name, r.status]),
      [
        ['alpha', 'built'],
        ['beta', 'built'],
      ],
    );
    const alpha = results[0];
    const wasm = join(root, 'examples/alpha/dist/alpha.wasm');
    assert.equal(alpha.path, wasm);
    assert.equal(alpha.digest, fileDigest(wasm));
    assert.equal(alpha.ref, `file://${wasm}@${alpha.digest}`);
    const image = await readFile(join(root, 'examples/alpha/dist/image.txt'), 'utf8');
    assert.equal(image.trim(), alpha.ref);
  });

  it('skips examples whose sources are unchanged', async () => {
    await run();
    built = [];
    const second = await run();
    assert.deepEqual(built, []);
    assert.deepEqual(
      second.map((r) => r.status),
      ['unchanged', 'unchanged'],
    );
  });

  it('rebuilds only the example whose source changed', async () => {
    const first = await run();
    built = [];
    await writeFile(join(root, 'examples/beta/world.wit'), 'world beta { }');
    const second = await run();
    assert.deepEqual(built, ['beta']);
    assert.equal(second[0].status, 'unchanged');
    assert.equal(second[1].status, 'built');
    assert.notEqual(second[1].sourceHash, first[1].sourceHash);
  });

  it('rebuilds when the tools change', async () => {
    await run();
    built = [];
    toolVersion = 'tools-2';
    await run();
    assert.deepEqual(built, ['alpha', 'beta']);
  });

  it('refills dist from the component cache without building', async () => {
    await run();
    await rm(join(root, 'examples/alpha/dist'), { recursive: true });
    built = [];
    const results = await run();
    assert.deepEqual(built, []);
    assert.equal(results[0].status, 'cached');
    assert.equal(
      (await readFile(join(root, 'examples/alpha/dist/image.txt'), 'utf8')).trim(),
      results[0].ref,
    );
  });

  it('replaces a dist component that no longer matches its recorded digest', async () => {
    const first = await run();
    await writeFile(join(root, 'examples/alpha/dist/alpha.wasm'), 'tampered');
    const second = await run();
    assert.equal(second[0].status, 'cached');
    assert.equal(second[0].digest, first[0].digest);
  });

  it('builds again when forced', async () => {
    await run();
    built = [];
    const results = await run(true);
    assert.deepEqual(built, ['alpha', 'beta']);
    assert.deepEqual(
      results.map((r) => r.status),
      ['built', 'built'],
    );
  });
});

describe('exampleSourceHash', () => {
  it('depends on input names as well as their bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wisp-examples-hash-'));
    try {
      await writeFile(join(dir, 'a'), 'x');
      await writeFile(join(dir, 'b'), 'x');
      const tools = async () => 'tools';
      const recipe = (input: string): ExampleRecipe => ({
        name: 'n',
        kind: 'c',
        entry: input,
        inputs: [input],
      });
      assert.notEqual(
        await exampleSourceHash(dir, recipe('a'), tools),
        await exampleSourceHash(dir, recipe('b'), tools),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
