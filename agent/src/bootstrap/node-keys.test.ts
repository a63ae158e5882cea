import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { peerIdFromEd25519 } from '@wisp/api/wire/identity.ts';
import { seededRandom } from '@wisp/core';
import { NodeStateFileError } from './errors.ts';
import { boxKeyFile, loadOrCreateNodeKeys, nodeKeyFile } from './node-keys.ts';
import { withDataDir } from './test/state-dir.ts';

describe('loadOrCreateNodeKeys', () => {
  it('makes both keys once, private to the owner, and loads them afterwards', async () => {
    await withDataDir(async (dir) => {
      const first = await loadOrCreateNodeKeys(dir, { random: seededRandom(1) });
      const again = await loadOrCreateNodeKeys(dir, { random: seededRandom(2) });
      assert.deepEqual(again, first);
      for (const f of [nodeKeyFile, boxKeyFile]) {
        assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600);
      }
      assert.equal(first.peerId, peerIdFromEd25519(first.ed25519PublicKey));
    });
  });

  it('gives keys tweetnacl agrees with, for signing and for opening sealed secrets', async () => {
    await withDataDir(async (dir) => {
      const keys = await loadOrCreateNodeKeys(dir, { random: seededRandom(3) });
      const signing = nacl.sign.keyPair.fromSeed(keys.ed25519Seed);
      assert.deepEqual(signing.publicKey, keys.ed25519PublicKey);
      assert.deepEqual(signing.secretKey, keys.ed25519SecretKey);
      assert.deepEqual(
        nacl.box.keyPair.fromSecretKey(keys.x25519SecretKey).publicKey,
        keys.x25519PublicKey,
      );
      const sender = nacl.box.keyPair();
      const nonce = new Uint8Array(24);
      const sealed = nacl.box(Buffer.from('s3cret'), nonce, keys.x25519PublicKey, sender.secretKey);
      const opened = nacl.box.open(sealed, nonce, sender.publicKey, keys.x25519SecretKey);
      assert.equal(Buffer.from(opened!).toString(), 's3cret');
    });
  });

  it('refuses a key file of the wrong kind', async () => {
    await withDataDir(async (dir) => {
      const keys = await loadOrCreateNodeKeys(dir, { random: seededRandom(4) });
      await writeFile(join(dir, boxKeyFile), keys.ed25519KeyPem);
      await assert.rejects(
        loadOrCreateNodeKeys(dir, { random: seededRandom(4) }),
        NodeStateFileError,
      );
    });
  });
});
