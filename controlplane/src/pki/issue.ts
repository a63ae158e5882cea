/**
 * Leaf certificates signed by the cluster CA. Each is a `CertificateProfile` passed to the one
 * signing function, with a fresh key pair unless the caller brings its own public key.
 *
 *   const serving = await issueServerCert(ca, { hosts: ['localhost', '127.0.0.1'], days: 365 });
 *   const admin = await issueClientCert(ca, {
 *     user: 'admin', groups: ['system:masters'], days: 90 });
 */
import type { KeyObject } from 'node:crypto';
import type { ClusterCa } from './ca.ts';
import { CertificateRequestError } from './errors.ts';
import { generateP256KeyPair, privateKeyPem } from './keys.ts';
import { signCertificate, type CertificateProfile } from './sign.ts';

export const apiserverCommonName = 'wisp-apiserver';

export interface IssuedCert {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Issues a certificate for a new P-256 key pair: serving and client keys browsers accept. */
export async function issueCertificate(
  ca: ClusterCa,
  profile: CertificateProfile,
): Promise<IssuedCert> {
  const { privateKey, publicKey } = generateP256KeyPair(ca.random);
  const certPem = await signPublicKey(ca, publicKey, profile);
  return { certPem, keyPem: privateKeyPem(privateKey) };
}

/** Certifies a key the caller already holds (a node's identity key), returning the PEM. */
export async function signPublicKey(
  ca: ClusterCa,
  publicKey: KeyObject,
  profile: CertificateProfile,
): Promise<string> {
  if (profile.isCa)
    throw new CertificateRequestError('isCa: Forbidden: the cluster CA signs leaves only');
  return signCertificate(ca, publicKey, profile, ca);
}

export interface ServerCertRequest {
  /** DNS names and IP addresses the server answers on: localhost, 127.0.0.1, ::1, the hostname. */
  readonly hosts: readonly string[];
  readonly days: number;
  readonly commonName?: string;
}

export async function issueServerCert(
  ca: ClusterCa,
  request: ServerCertRequest,
): Promise<IssuedCert> {
  if (request.hosts.length === 0) throw new CertificateRequestError('hosts: Required value');
  return issueCertificate(ca, {
    commonName: request.commonName ?? apiserverCommonName,
    days: request.days,
    usages: ['serverAuth'],
    hosts: request.hosts,
  });
}

export interface ClientCertRequest {
  readonly user: string;
  readonly groups: readonly string[];
  readonly days: number;
}

/** CN is the user and each O a group, as the apiserver's client-certificate authenticator reads. */
export function issueClientCert(ca: ClusterCa, request: ClientCertRequest): Promise<IssuedCert> {
  return issueCertificate(ca, {
    commonName: request.user,
    organizations: request.groups,
    days: request.days,
    usages: ['clientAuth'],
  });
}
