import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseJoinToken } from '@wisp/api/wire/join.ts';
import { seededRandom } from '@wisp/core';
import { FakeClock } from '@wisp/testkit';
import { withTempDir } from '../pki/test-support.ts';
import { JoinTokenFileError, JoinTokenRefusedError } from './errors.ts';
import { joinTokensFile, openJoinTokenStore } from './join-tokens.ts';

const caHash = 'ab'.repeat(32);
const hourMs = 3600_000;

async function withStore<T>(
  fn: (
    s: Awaited<ReturnType<typeof openJoinTokenStore>>,
    clock: FakeClock,
    path: string,
  ) => Promise<T>,
) {
  return withTempDir(async (dir) => {
    const clock = new FakeClock();
    const path = join(dir, joinTokensFile);
    const store = await openJoinTokenStore(path, { caHash, clock, random: seededRandom(1) });
    return fn(store, clock, path);
  });
}

describe('openJoinTokenStore', () => {
  it('prints K10<CA hash>::<id>.<secret> and stores only its hash', async () => {
    await withStore(async (store, _clock, path) => {
      const { token, id } = await store.create({});
      const parsed = parseJoinToken(token);
      assert.equal(parsed.caHash, caHash);
      assert.equal(parsed.id, id);
      const text = await readFile(path, 'utf8');
      assert.ok(!text.includes(parsed.credential.split('.')[1]), 'the secret is not on disk');
      assert.equal((await stat(path)).mode & 0o777, 0o600);
    });
  });

  it('grants a valid token with its site, many times', async () => {
    await withStore(async (store) => {
      const { token, id } = await store.create({ site: 'store-42' });
      const { credential } = parseJoinToken(token);
      assert.deepEqual(store.verify(credential), { id, site: 'store-42' });
      assert.deepEqual(store.verify(credential), { id, site: 'store-42' });
    });
  });

  it('refuses a token once its ttl has passed (24 hours by default)', async () => {
    await withStore(async (store, clock) => {
      const { credential } = parseJoinToken((await store.create({})).token);
      clock.advance(24 * hourMs - 1);
      store.verify(credential);
      clock.advance(1);
      assert.throws(
        () => store.verify(credential),
        (e: unknown) => e instanceof JoinTokenRefusedError && e.reason === 'expired',
      );
    });
  });

  it('keeps a token with ttl 0 forever', async () => {
    await withStore(async (store, clock) => {
      const { credential } = parseJoinToken((await store.create({ ttlMs: 0 })).token);
      clock.advance(10 * 365 * 24 * hourMs);
      assert.ok(store.verify(credential).id);
    });
  });

  it('refuses unknown and revoked tokens without echoing them', async () => {
    await withStore(async (store) => {
      const { token, id } = await store.create({});
      const { credential } = parseJoinToken(token);
      assert.equal(await store.revoke(id), true);
      assert.throws(
        () => store.verify(credential),
        (e: unknown) =>
          e instanceof JoinTokenRefusedError &&
          e.reason === 'unknown' &&
          !e.message.includes(credential),
      );
    });
  });

  it('sees tokens another process wrote, and refuses all while the file is broken', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, joinTokensFile);
      const deps = { caHash, clock: new FakeClock(), random: seededRandom(2) };
      const server = await openJoinTokenStore(path, deps);
      const cli = await openJoinTokenStore(path, { ...deps, random: seededRandom(3) });
      const { credential } = parseJoinToken((await cli.create({})).token);
      assert.ok(server.verify(credential).id);
      await writeFile(path, '{ nope');
      assert.throws(() => server.verify(credential), JoinTokenRefusedError);
      await assert.rejects(cli.create({}), JoinTokenFileError);
    });
  });

  it('refuses a site that is not a DNS label', async () => {
    await withStore(async (store) => {
      await assert.rejects(store.create({ site: 'Store 42' }), /site: Invalid value/);
    });
  });
});
