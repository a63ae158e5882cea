import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isComponentBinary } from './wasm-build-cache.ts';
import { buildFixture, FIXTURE_NAMES, fixtureWorld, type FixtureName } from './wasm-fixtures.ts';
import { FIXTURE_SOURCES } from './wasm-fixture-sources.ts';
import { REPO_ROOT, checkCToolchain } from './wasm-toolchain.ts';

/** Outside CI a missing C toolchain skips the C fixtures, naming the package to install. */
function cToolchainSkip(): string | false {
  try {
    checkCToolchain();
    return false;
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    return (e as Error).message;
  }
}

const needsC = (name: FixtureName) => name !== 'http-hello' && FIXTURE_SOURCES[name].kind === 'c';

/** A cold componentize-js build takes ~10 s alone and over 40 s on a busy 2-core machine. */
const JS_BUILD_TIMEOUT_MS = 300_000;

/** Runs a cli component under jco's own host (preview2-shim), as a reference host. */
function jcoRun(
  path: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string }> {
  const jco = join(REPO_ROOT, 'node_modules/@bytecodealliance/jco/dist/jco.js');
  return new Promise((done) => {
    execFile(
      process.execPath,
      [jco, 'run', path, ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (error, stdout) => done({ code: error ? Number(error.code ?? -1) : 0, stdout }),
    );
  });
}

describe('buildFixture', () => {
  for (const name of FIXTURE_NAMES) {
    const skip = needsC(name) ? cToolchainSkip() : false;
    const timeout = fixtureWorld(name) === 'http' ? JS_BUILD_TIMEOUT_MS : 60_000;
    it(`builds ${name} into a cached component`, { skip, timeout }, async () => {
      const built = await buildFixture(name);
      const bytes = await readFile(built.path);
      assert.ok(isComponentBinary(bytes), `${built.path} starts with the component header`);
      assert.match(built.digest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(built.ref, `file://${built.path}@${built.digest}`);
      assert.equal(built.size, bytes.length);
      assert.deepEqual(await buildFixture(name), built, 'a second call returns the cache');
    });
  }

  it('prints from a WAT component', async () => {
    const r = await jcoRun((await buildFixture('hello')).path, []);
    assert.deepEqual(r, { code: 0, stdout: 'hello from a wasm component\n' });
  });

  it('exits with the code given as the first argument', { skip: cToolchainSkip() }, async () => {
    const r = await jcoRun((await buildFixture('exit-code')).path, ['3']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'exit-code: exiting with 3\n');
  });

  it('dumps exactly its args and environment', { skip: cToolchainSkip() }, async () => {
    const r = await jcoRun((await buildFixture('env-dump')).path, ['a b', 'c'], { ONLY: '1' });
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(1, 3), ['arg 1=a b', 'arg 2=c']);
    assert.ok(lines.includes('env ONLY=1'));
  });
});
