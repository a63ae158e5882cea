/**
 * Key pairs drawn from the injected `Random`, so a seeded run issues the same keys and
 * certificates every time. Production passes `systemRandom()`, whose bytes come from the OS CSPRNG.
 *
 * Two kinds: ECDSA P-256 for the cluster CA, the apiserver's serving certificate and kubeconfig
 * client certificates (browsers refuse Ed25519 in TLS, both as the server's key and as a CA's
 * signature), and Ed25519 for node identities and the distributor's signing key (libp2p ids).
 *
 *   const { privateKey, publicKey } = generateP256KeyPair(random);
 *   await writeFile('node.key', privateKeyPem(privateKey), { mode: 0o600 });
 */
import { createECDH, createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject, webcrypto } from 'node:crypto';
import type { Random } from '@wisp/core';
import { ECDSA_P256, ECDSA_SHA256, ED25519 } from './x509.ts';

const seedBytes = 32;
/** PKCS#8 header of an Ed25519 private key (RFC 8410); the 32-byte seed follows it. */
const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
/** The order n of the P-256 group: a private scalar must lie in [1, n - 1]. */
const p256Order = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
/** Draws before giving up on a P-256 scalar; each is refused with probability ~2^-32. */
const p256DrawsMax = 8;

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export type KeyKind = 'ed25519' | 'p256';

/** An Ed25519 key pair: node identities, the distributor's signing key. */
export function generateKeyPair(random: Random): KeyPair {
  const seed = random.bytes(seedBytes);
  const der = Buffer.concat([pkcs8Ed25519Prefix, seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** An ECDSA P-256 key pair: the CA, serving and client certificates. */
export function generateP256KeyPair(random: Random): KeyPair {
  for (let i = 0; i < p256DrawsMax; i++) {
    const d = Buffer.from(random.bytes(seedBytes));
    const scalar = BigInt(`0x${d.toString('hex')}`);
    if (scalar === 0n || scalar >= p256Order) continue;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey();
    const privateKey = createPrivateKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33, 65).toString('base64url'),
        d: d.toString('base64url'),
      },
      format: 'jwk',
    });
    return { privateKey, publicKey: createPublicKey(privateKey) };
  }
  throw new Error(`random: no P-256 scalar in ${p256DrawsMax} draws; the source is broken`);
}

export function generateKeyPairOf(kind: KeyKind, random: Random): KeyPair {
  return kind === 'p256' ? generateP256KeyPair(random) : generateKeyPair(random);
}

/** Which of the two kinds a key is, or undefined for any other key. */
export function keyKindOf(key: KeyObject): KeyKind | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'p256';
  }
  return undefined;
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

/** The WebCrypto algorithm a certificate signed by `key` declares. */
export function signatureAlgorithmOf(key: KeyObject): typeof ED25519 | typeof ECDSA_SHA256 {
  return keyKindOf(key) === 'p256' ? ECDSA_SHA256 : ED25519;
}

function importAlgorithm(key: KeyObject): typeof ED25519 | typeof ECDSA_P256 {
  return keyKindOf(key) === 'p256' ? ECDSA_P256 : ED25519;
}

export function signingCryptoKey(key: KeyObject): webcrypto.CryptoKey {
  return key.toCryptoKey(importAlgorithm(key), false, ['sign']);
}

export function verifyingCryptoKey(key: KeyObject): webcrypto.CryptoKey {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.toCryptoKey(importAlgorithm(pub), true, ['verify']);
}
