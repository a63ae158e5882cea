/**
 * The control plane's own libp2p identity. Agents admit only peers that show a node certificate
 * from the cluster CA for their key (DESIGN §6), so the control plane issues itself one, named
 * `control-plane`, for an Ed25519 key kept beside the CA. The key never changes (agents may hold
 * the peer id); the certificate is re-issued on start when it is missing, from another CA, for
 * another key, or past `renewAtFraction` of its lifetime.
 *
 *   const id = await loadOrCreateControlPlaneIdentity(pkiDir, { ca, random });
 *   createControlPlaneGossip({ nodeKey: id.ed25519Seed, certPem: id.certPem, ... }, ...);
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import {
  checkIdentityNow,
  peerIdFromEd25519,
  verifyNodeCertificate,
} from '@wisp/api/wire/identity.ts';
import { privateFileMode, readIfExists, writeFileAtomic, type Random } from '@wisp/core';
import type { ClusterCa } from '../pki/ca.ts';
import { CertificateFileError } from '../pki/errors.ts';
import { generateKeyPair, privateKeyPem } from '../pki/keys.ts';
import { issueNodeCertificate } from '../pki/node-cert.ts';

export const controlPlaneNodeName = 'control-plane';
export const controlPlaneKeyFile = 'control-plane-node.key';
export const controlPlaneCertFile = 'control-plane-node.crt';
/** It runs no pods: an empty CIDR no node is ever allocated. */
const noPodCidr = '0.0.0.0/32';

export const controlPlaneIdentityDefaults = {
  validityMs: 365 * 24 * 3600 * 1000,
  /** Re-issued on a start after two thirds of its lifetime, as agents rotate at 70-90 %. */
  renewAtFraction: 2 / 3,
} as const;

export interface ControlPlaneIdentity {
  /** The 32-byte Ed25519 seed: the libp2p private key. */
  readonly ed25519Seed: Uint8Array;
  readonly peerId: string;
  readonly certPem: string;
}

export interface ControlPlaneIdentityInit {
  readonly validityMs?: number;
}

export async function loadOrCreateControlPlaneIdentity(
  pkiDir: string,
  c: { readonly ca: ClusterCa; readonly random: Random },
  init: ControlPlaneIdentityInit = {},
): Promise<ControlPlaneIdentity> {
  const key = await loadOrCreateKey(join(pkiDir, controlPlaneKeyFile), c.random);
  const ed25519Seed = rawKey(key, 'd');
  const ed25519PublicKey = rawKey(createPublicKey(key), 'x');
  const peerId = peerIdFromEd25519(ed25519PublicKey);
  const certPath = join(pkiDir, controlPlaneCertFile);
  const kept = await readIfExists(certPath);
  if (kept !== undefined && stillGood(kept, c.ca, peerId)) {
    return { ed25519Seed, peerId, certPem: kept };
  }
  const certPem = await issueNodeCertificate(c.ca, {
    nodeName: controlPlaneNodeName,
    ed25519PublicKey,
    // Nothing is ever sealed to the control plane; the certificate format wants a key anyway.
    x25519PublicKey: nacl.box.keyPair.fromSecretKey(c.random.bytes(32)).publicKey,
    podCidr: noPodCidr,
    site: '',
    validityMs: init.validityMs ?? controlPlaneIdentityDefaults.validityMs,
  });
  await writeFileAtomic(certPath, certPem, privateFileMode);
  return { ed25519Seed, peerId, certPem };
}

function stillGood(certPem: string, ca: ClusterCa, peerId: string): boolean {
  const verdict = verifyNodeCertificate(certPem, ca.certPem);
  if (!verdict.trusted) return false;
  const { notBeforeMs, notAfterMs } = verdict.identity;
  const renewAtMs =
    notBeforeMs + (notAfterMs - notBeforeMs) * controlPlaneIdentityDefaults.renewAtFraction;
  const nowMs = ca.clock.now();
  return nowMs < renewAtMs && checkIdentityNow(verdict.identity, { nowMs, peerId }).trusted;
}

async function loadOrCreateKey(path: string, random: Random): Promise<KeyObject> {
  const pem = await readIfExists(path);
  if (pem === undefined) {
    const { privateKey } = generateKeyPair(random);
    await writeFileAtomic(path, privateKeyPem(privateKey), privateFileMode);
    return privateKey;
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw new CertificateFileError(path, 'not a PEM private key', { cause });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new CertificateFileError(path, 'not an Ed25519 key');
  }
  return key;
}

function rawKey(key: KeyObject, part: 'd' | 'x'): Uint8Array {
  return new Uint8Array(Buffer.from(key.export({ format: 'jwk' })[part]!, 'base64url'));
}
