/**
 * The node's two long-lived keys, made once under the data dir and kept across restarts and
 * certificate renewals: Ed25519 (its libp2p identity, certified by the cluster CA, and its TLS
 * client key) and X25519 (which the control plane seals the node's secrets to, `nacl.box`).
 * Both come from the injected Random.
 *
 *   const keys = await loadOrCreateNodeKeys(join(dataDir, 'pki'), { random });
 *   keys.peerId; // 12D3KooW...
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { Random } from '@wisp/core';
import { peerIdFromEd25519 } from '@wisp/api/wire/identity.ts';
import { NodeStateFileError } from './errors.ts';
import { privateFileMode, readIfExists, writeFileAtomic } from '@wisp/core';

export const nodeKeyFile = 'node.key';
export const boxKeyFile = 'box.key';
const seedBytes = 32;
/** PKCS#8 headers (RFC 8410) of a raw 32-byte private key. */
const pkcs8Prefix = {
  ed25519: Buffer.from('302e020100300506032b657004220420', 'hex'),
  x25519: Buffer.from('302e020100300506032b656e04220420', 'hex'),
};

export interface NodeKeys {
  /** The Ed25519 private key, PEM (PKCS#8), for TLS client authentication. */
  readonly ed25519KeyPem: string;
  /** The 32-byte Ed25519 seed; libp2p's `generateKeyPairFromSeed('Ed25519', seed)` is this key. */
  readonly ed25519Seed: Uint8Array;
  readonly ed25519PublicKey: Uint8Array;
  /** Seed then public key (64 bytes), as tweetnacl and libp2p's `privateKeyFromRaw` take it. */
  readonly ed25519SecretKey: Uint8Array;
  /** The 32-byte X25519 secret key, as `nacl.box.open` takes it. */
  readonly x25519SecretKey: Uint8Array;
  readonly x25519PublicKey: Uint8Array;
  readonly peerId: string;
}

type Kind = keyof typeof pkcs8Prefix;

export async function loadOrCreateNodeKeys(
  dir: string,
  components: { readonly random: Random },
): Promise<NodeKeys> {
  const ed = await loadOrCreate(join(dir, nodeKeyFile), 'ed25519', components.random);
  const box = await loadOrCreate(join(dir, boxKeyFile), 'x25519', components.random);
  const ed25519PublicKey = rawPublic(ed);
  const ed25519Seed = rawPrivate(ed);
  return {
    ed25519KeyPem: pem(ed),
    ed25519Seed,
    ed25519PublicKey,
    ed25519SecretKey: Uint8Array.from([...ed25519Seed, ...ed25519PublicKey]),
    x25519SecretKey: rawPrivate(box),
    x25519PublicKey: rawPublic(box),
    peerId: peerIdFromEd25519(ed25519PublicKey),
  };
}

async function loadOrCreate(path: string, kind: Kind, random: Random): Promise<KeyObject> {
  const text = await readIfExists(path);
  if (text !== undefined) {
    let key: KeyObject;
    try {
      key = createPrivateKey(text);
    } catch (cause) {
      throw new NodeStateFileError(path, 'not a PEM private key', { cause });
    }
    if (key.asymmetricKeyType !== kind) throw new NodeStateFileError(path, `not an ${kind} key`);
    return key;
  }
  const der = Buffer.concat([pkcs8Prefix[kind], random.bytes(seedBytes)]);
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  await writeFileAtomic(path, pem(key), privateFileMode);
  return key;
}

const pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();

function rawPrivate(key: KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url'));
}

function rawPublic(key: KeyObject): Uint8Array {
  return new Uint8Array(
    Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url'),
  );
}
