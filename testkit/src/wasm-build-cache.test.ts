import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  COMPONENT_FILE,
  cachedBuild,
  fileRef,
  isComponentBinary,
  sourceHash,
} from './wasm-build-cache.ts';

/** The 8-byte header of an (empty) component. */
const COMPONENT_HEADER = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00);
const CORE_HEADER = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);

describe('sourceHash', () => {
  it('is stable for the same parts', () => {
    assert.equal(sourceHash(['a', 'b']), sourceHash(['a', 'b']));
    assert.match(sourceHash(['a']), /^[0-9a-f]{64}$/);
  });

  it('tells parts apart even when their concatenation is the same', () => {
    assert.notEqual(sourceHash(['ab', 'c']), sourceHash(['a', 'bc']));
    assert.notEqual(sourceHash(['abc']), sourceHash(['abc', '']));
  });

  it('hashes text and its UTF-8 bytes alike', () => {
    assert.equal(sourceHash(['é']), sourceHash([Buffer.from('é', 'utf8')]));
  });
});

describe('isComponentBinary', () => {
  it('accepts a component header and rejects a core module or garbage', () => {
    assert.equal(isComponentBinary(COMPONENT_HEADER), true);
    assert.equal(isComponentBinary(CORE_HEADER), false);
    assert.equal(isComponentBinary(Uint8Array.of(0, 0x61)), false);
  });
});

describe('fileRef', () => {
  it('writes the file:// reference with the digest', () => {
    assert.equal(fileRef('/a/b.wasm', 'sha256:00'), 'file:///a/b.wasm@sha256:00');
  });
});

describe('cachedBuild', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wisp-build-cache-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const writeComponent = async (tmp: string, extra = '') => {
    await writeFile(
      join(tmp, COMPONENT_FILE),
      Buffer.concat([COMPONENT_HEADER, Buffer.from(extra)]),
    );
  };

  it('builds once and then returns the cached folder without building', async () => {
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      await writeComponent(tmp, 'one');
    };
    const first = await cachedBuild(dir, 'k-once', build);
    const second = await cachedBuild(dir, 'k-once', build);
    assert.equal(first, join(dir, 'k-once'));
    assert.equal(second, first);
    assert.equal(builds, 1);
    assert.equal((await readFile(join(first, COMPONENT_FILE))).subarray(8).toString(), 'one');
  });

  it('shares one build between concurrent callers in a process', async () => {
    let builds = 0;
    const build = async (tmp: string) => {
      builds++;
      await writeComponent(tmp);
    };
    const dirs = await Promise.all([1, 2, 3].map(() => cachedBuild(dir, 'k-shared', build)));
    assert.deepEqual(new Set(dirs).size, 1);
    assert.equal(builds, 1);
  });

  it('keeps the other process build when one finishes first', async () => {
    const key = 'k-race';
    const result = await cachedBuild(dir, key, async (tmp) => {
      await writeComponent(tmp, 'mine');
      // Another process completes the same key while this build is still running.
      await mkdir(join(dir, key));
      await writeComponent(join(dir, key), 'theirs');
      await writeFile(join(dir, key, '.complete'), key);
    });
    assert.equal(result, join(dir, key));
    assert.equal((await readFile(join(result, COMPONENT_FILE))).subarray(8).toString(), 'theirs');
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.startsWith('.build-')),
      [],
      'the losing temp folder is removed',
    );
  });

  it('rebuilds a folder an interrupted build left without its marker', async () => {
    await mkdir(join(dir, 'k-torn'));
    await writeFile(join(dir, 'k-torn', COMPONENT_FILE), 'half');
    let builds = 0;
    await cachedBuild(dir, 'k-torn', async (tmp) => {
      builds++;
      await writeComponent(tmp, 'whole');
    });
    assert.equal(builds, 1);
    const bytes = await readFile(join(dir, 'k-torn', COMPONENT_FILE));
    assert.equal(bytes.subarray(8).toString(), 'whole');
  });

  it('rejects a build that produced no component and caches nothing', async () => {
    await assert.rejects(
      cachedBuild(dir, 'k-core', async (tmp) => {
        await writeFile(join(tmp, COMPONENT_FILE), CORE_HEADER);
      }),
      /no component/,
    );
    assert.equal(existsSync(join(dir, 'k-core')), false);
  });

  it('passes a failing build error through and leaves no temp folder', async () => {
    await assert.rejects(
      cachedBuild(dir, 'k-fail', async () => {
        throw new Error('clang exploded');
      }),
      /clang exploded/,
    );
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.startsWith('.build-k-fail')),
      [],
    );
  });
});
