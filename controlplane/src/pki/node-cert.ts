/**
 * Node certificates: the node's own Ed25519 key (its libp2p identity) certified by the cluster CA
 * (signed ECDSA P-256 with SHA-256 by a P-256 CA, Ed25519 by an older Ed25519 CA)
 * as `CN=system:node:<name>, O=system:nodes`, for client and server auth, with the node's peer id,
 * X25519 key, pod CIDR and site in URI SANs (api/src/wire/identity.ts reads them back).
 *
 *   const certPem = await issueNodeCertificate(ca, { nodeName: 'edge-1', ed25519PublicKey,
 *     x25519PublicKey, podCidr: '10.42.3.0/24', site: 'store-42' });
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  identityUris,
  nodesGroup,
  nodeUserName,
  peerIdFromEd25519,
  toBase64Url,
} from '@wisp/api/wire/identity.ts';
import type { ClusterCa } from './ca.ts';
import { CertificateRequestError } from './errors.ts';
import { signatureAlgorithmOf, signingCryptoKey, verifyingCryptoKey } from './keys.ts';
import { notBeforeBackdateMs } from './sign.ts';
import { x509 } from './x509.ts';

export const nodeCertValidityMsDefault = 90 * 24 * 3600 * 1000;
const serialBytes = 16;

export interface NodeCertRequest {
  readonly nodeName: string;
  readonly ed25519PublicKey: Uint8Array;
  readonly x25519PublicKey: Uint8Array;
  readonly podCidr: string;
  readonly site: string;
  readonly validityMs?: number;
}

/** Signs a node certificate for the key in the request; returns it as PEM. */
export async function issueNodeCertificate(
  ca: ClusterCa,
  request: NodeCertRequest,
): Promise<string> {
  const validityMs = request.validityMs ?? nodeCertValidityMsDefault;
  if (!Number.isInteger(validityMs) || validityMs < 1000) {
    throw new CertificateRequestError(`validityMs: Invalid value: ${validityMs}: at least 1000`);
  }
  const publicKey = ed25519KeyObject(request.ed25519PublicKey);
  const subjectKey = verifyingCryptoKey(publicKey);
  const nowMs = Math.floor(ca.clock.now() / 1000) * 1000;
  const uris = identityUris({
    peerId: peerIdFromEd25519(request.ed25519PublicKey),
    x25519PublicKey: request.x25519PublicKey,
    podCidr: request.podCidr,
    site: request.site,
  });
  const flags = x509.KeyUsageFlags;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(ca),
    subject: [{ CN: [nodeUserName(request.nodeName)] }, { O: [nodesGroup] }],
    issuer: ca.certificate.subjectName,
    notBefore: new Date(nowMs - notBeforeBackdateMs),
    notAfter: new Date(nowMs + validityMs),
    publicKey: subjectKey,
    signingKey: signingCryptoKey(ca.privateKey),
    signingAlgorithm: signatureAlgorithmOf(ca.privateKey),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(flags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(subjectKey),
      await x509.AuthorityKeyIdentifierExtension.create(verifyingCryptoKey(ca.privateKey)),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.clientAuth,
        x509.ExtendedKeyUsage.serverAuth,
      ]),
      new x509.SubjectAlternativeNameExtension(uris.map((value) => ({ type: 'url', value }))),
    ],
  });
  return cert.toString('pem');
}

/** A raw 32-byte Ed25519 public key as a KeyObject. */
export function ed25519KeyObject(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) {
    throw new CertificateRequestError('ed25519PublicKey: Invalid value: want 32 bytes');
  }
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(raw) },
    format: 'jwk',
  });
}

/** The same shape as sign.ts's serials: positive, 16 bytes kept by DER. */
function serialNumber(ca: ClusterCa): string {
  const bytes = ca.random.bytes(serialBytes);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return Buffer.from(bytes).toString('hex');
}
