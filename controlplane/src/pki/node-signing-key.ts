/**
 * The distributor's Ed25519 signing key: every document a node accepts is signed with it, and a
 * node learns its public half when it joins. Kept in the data dir beside the CA (a PKCS#8 PEM),
 * created on first start and never replaced, since replacing it would strand every joined node.
 *
 *   const key = await loadOrCreateSigningKey(pkiDir, { random });
 *   nacl.sign.detached(payload, key.secretKey); // key.publicKey and key.keyId go to nodes
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { Random } from '@wisp/core';
import { signingKeyId } from '@wisp/api/wire/identity.ts';
import { CertificateFileError } from './errors.ts';
import { generateKeyPair, privateKeyPem } from './keys.ts';
import { privateFileMode, readIfExists, writeFileAtomic } from '@wisp/core';

export const signingKeyFile = 'signing.key';

export interface NodeSigningKey {
  readonly privateKey: KeyObject;
  /** Raw 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** tweetnacl's 64-byte secret key: the 32-byte seed followed by the public key. */
  readonly secretKey: Uint8Array;
  readonly keyId: string;
}

export async function loadOrCreateSigningKey(
  dir: string,
  components: { readonly random: Random },
): Promise<NodeSigningKey> {
  const path = join(dir, signingKeyFile);
  const pem = await readIfExists(path);
  if (pem !== undefined) return parseSigningKey(pem, path);
  const { privateKey } = generateKeyPair(components.random);
  await writeFileAtomic(path, privateKeyPem(privateKey), privateFileMode);
  return signingKeyOf(privateKey);
}

function parseSigningKey(pem: string, path: string): NodeSigningKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw new CertificateFileError(path, 'not a PEM private key', { cause });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new CertificateFileError(path, 'not an Ed25519 key');
  }
  return signingKeyOf(key);
}

function signingKeyOf(privateKey: KeyObject): NodeSigningKey {
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const publicKey = new Uint8Array(
    Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url'),
  );
  const secretKey = new Uint8Array(64);
  secretKey.set(seed);
  secretKey.set(publicKey, 32);
  return { privateKey, publicKey, secretKey, keyId: signingKeyId(publicKey) };
}
