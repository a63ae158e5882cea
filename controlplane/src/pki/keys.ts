/**
 * Ed25519 key pairs drawn from the injected `Random`, so a seeded run issues the same keys and
 * certificates every time. Production passes `systemRandom()`, whose bytes come from the OS CSPRNG.
 *
 *   const { privateKey, publicKey } = await generateKeyPair(random);
 *   await writeFile('node.key', privateKeyPem(privateKey), { mode: 0o600 });
 */
import { createPrivateKey, createPublicKey, type KeyObject, type webcrypto } from 'node:crypto';
import type { Random } from '@wisp/core';
import { ED25519 } from './x509.ts';

const seedBytes = 32;
/** PKCS#8 header of an Ed25519 private key (RFC 8410); the 32-byte seed follows it. */
const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function generateKeyPair(random: Random): KeyPair {
  const seed = random.bytes(seedBytes);
  const der = Buffer.concat([pkcs8Ed25519Prefix, seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** The SPKI DER of a key (of its public half, for a private key), to compare keys. */
export function spkiDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

export function signingCryptoKey(key: KeyObject): webcrypto.CryptoKey {
  return key.toCryptoKey(ED25519, false, ['sign']);
}

export function verifyingCryptoKey(key: KeyObject): webcrypto.CryptoKey {
  return key.toCryptoKey(ED25519, true, ['verify']);
}
