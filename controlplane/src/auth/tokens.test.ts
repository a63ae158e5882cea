import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { seededRandom } from '@wisp/core';
import { manualClock, withTempDir } from '../pki/test-support.ts';
import { TokenFileError } from './errors.ts';
import { tokenHash } from './token-format.ts';
import { openTokenStore } from './tokens.ts';

const open = (dir: string, seed = 1) =>
  openTokenStore(join(dir, 'tokens.json'), { clock: manualClock(), random: seededRandom(seed) });

describe('openTokenStore', () => {
  it('returns the identity a created token stands for', async () => {
    await withTempDir(async (dir) => {
      const tokens = await open(dir);
      const { token } = await tokens.create({ user: 'ci', groups: ['deployers'], uid: 'u-1' });
      assert.match(token, /^[a-z0-9]{6}\.[a-z0-9]{32}$/);
      assert.deepEqual(tokens.lookup(token), { name: 'ci', groups: ['deployers'], uid: 'u-1' });
    });
  });

  it('stores only the hash of a token, in a file only its owner can read', async () => {
    await withTempDir(async (dir) => {
      const tokens = await open(dir);
      const { token } = await tokens.create({ user: 'ci', groups: [] });
      const text = await readFile(join(dir, 'tokens.json'), 'utf8');
      assert.ok(!text.includes(token.split('.')[1]), 'secret not in the file');
      assert.ok(text.includes(tokenHash(token)));
      assert.equal((await stat(join(dir, 'tokens.json'))).mode & 0o777, 0o600);
    });
  });

  it('answers undefined for an unknown, altered or oversized token', async () => {
    await withTempDir(async (dir) => {
      const tokens = await open(dir);
      const { token } = await tokens.create({ user: 'ci', groups: [] });
      assert.equal(tokens.lookup('abcdef.0123456789'), undefined);
      assert.equal(tokens.lookup(`${token.slice(0, -1)}x`), undefined);
      assert.equal(tokens.lookup(''), undefined);
      assert.equal(tokens.lookup('a'.repeat(1025)), undefined);
    });
  });

  it('draws tokens from the injected Random', async () => {
    const first = await withTempDir(async (dir) =>
      (await open(dir, 5)).create({ user: 'a', groups: [] }),
    );
    const again = await withTempDir(async (dir) =>
      (await open(dir, 5)).create({ user: 'a', groups: [] }),
    );
    assert.equal(first.token, again.token);
  });

  it('keeps tokens across a reopen and sees tokens another process adds', async () => {
    await withTempDir(async (dir) => {
      const server = await open(dir, 1);
      const cli = await open(dir, 2);
      const { token } = await cli.create({ user: 'late', groups: ['g'] });
      assert.deepEqual(server.lookup(token), { name: 'late', groups: ['g'] });
      const reopened = await open(dir, 3);
      assert.equal(reopened.lookup(token)?.name, 'late');
    });
  });

  it('revokes a token by id', async () => {
    await withTempDir(async (dir) => {
      const tokens = await open(dir);
      const a = await tokens.create({ user: 'a', groups: [] });
      const b = await tokens.create({ user: 'b', groups: [] });
      assert.equal(await tokens.revoke(a.id), true);
      assert.equal(await tokens.revoke(a.id), false);
      assert.equal(tokens.lookup(a.token), undefined);
      assert.equal(tokens.lookup(b.token)?.name, 'b');
      assert.deepEqual(
        tokens.list().map((t) => t.user),
        ['b'],
      );
    });
  });

  it('refuses to open a malformed file, naming the bad field', async () => {
    await withTempDir(async (dir) => {
      await writeFile(
        join(dir, 'tokens.json'),
        JSON.stringify({ tokens: [{ id: 'x', user: 'u' }] }),
      );
      await assert.rejects(open(dir), (e: unknown) => {
        assert.ok(e instanceof TokenFileError);
        assert.match(e.message, /tokens\[0\]\.sha256: Invalid value/);
        return true;
      });
    });
  });

  it('fails closed when the file is corrupted while serving', async () => {
    await withTempDir(async (dir) => {
      const tokens = await open(dir);
      const { token } = await tokens.create({ user: 'a', groups: [] });
      await writeFile(join(dir, 'tokens.json'), '{ not json');
      assert.equal(tokens.lookup(token), undefined);
    });
  });

  it('refuses a token for an empty user name', async () => {
    await withTempDir(async (dir) => {
      const tokens = await open(dir);
      await assert.rejects(
        tokens.create({ user: '', groups: [] }),
        /^TokenRequestError: user: Required value/,
      );
    });
  });

  it('refuses a token from its expiry on, and keeps one without a TTL', async () => {
    await withTempDir(async (dir) => {
      const clock = manualClock();
      const tokens = await openTokenStore(join(dir, 'tokens.json'), {
        clock,
        random: seededRandom(4),
      });
      const short = await tokens.create({ user: 'ops', groups: ['g'], ttlMs: 60_000 });
      const forever = await tokens.create({ user: 'admin', groups: ['g'] });
      assert.equal(tokens.lookup(short.token)?.name, 'ops');
      assert.ok(tokens.list()[0].expiresAt);
      clock.advance(59_999);
      assert.equal(tokens.lookup(short.token)?.name, 'ops');
      clock.advance(1);
      assert.equal(tokens.lookup(short.token), undefined);
      assert.equal(tokens.lookup(forever.token)?.name, 'admin');
    });
  });

  it('refuses a negative TTL, naming the field', async () => {
    await withTempDir(async (dir) => {
      const tokens = await open(dir);
      await assert.rejects(tokens.create({ user: 'a', groups: [], ttlMs: -1 }), /ttlMs: Invalid/);
    });
  });
});
