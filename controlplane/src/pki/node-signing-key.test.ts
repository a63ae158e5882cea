import assert from 'node:assert/strict';
import { sign, verify } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { seededRandom } from '@wisp/core';
import { CertificateFileError } from './errors.ts';
import { loadOrCreateSigningKey, signingKeyFile } from './node-signing-key.ts';
import { withTempDir } from './test-support.ts';
import { ed25519KeyObject } from './node-cert.ts';

describe('loadOrCreateSigningKey', () => {
  it('creates the key once, private to the owner, and loads the same key afterwards', async () => {
    await withTempDir(async (dir) => {
      const first = await loadOrCreateSigningKey(dir, { random: seededRandom(1) });
      const again = await loadOrCreateSigningKey(dir, { random: seededRandom(2) });
      assert.deepEqual(again.publicKey, first.publicKey);
      assert.equal(again.keyId, first.keyId);
      assert.match(first.keyId, /^[0-9a-f]{16}$/);
      assert.equal((await stat(join(dir, signingKeyFile))).mode & 0o777, 0o600);
    });
  });

  it('gives a tweetnacl secret key whose signatures node:crypto verifies, and back', async () => {
    await withTempDir(async (dir) => {
      const key = await loadOrCreateSigningKey(dir, { random: seededRandom(3) });
      const payload = Buffer.from('{"revision":7}');
      const sig = nacl.sign.detached(payload, key.secretKey);
      assert.ok(verify(null, payload, ed25519KeyObject(key.publicKey), sig));
      const sig2 = sign(null, payload, key.privateKey);
      assert.ok(nacl.sign.detached.verify(payload, sig2, key.publicKey));
    });
  });

  it('refuses a file that is not an Ed25519 private key', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, signingKeyFile), 'junk');
      await assert.rejects(
        loadOrCreateSigningKey(dir, { random: seededRandom(1) }),
        CertificateFileError,
      );
      assert.equal(await readFile(join(dir, signingKeyFile), 'utf8'), 'junk');
    });
  });
});
