/**
 * The one function that builds and signs a certificate. The CA, serving and client certificates
 * differ only in the `CertificateProfile` they pass; the signature follows the issuer's key.
 */
import type { KeyObject, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type { Clock, Random } from '@wisp/core';
import { signatureAlgorithmOf, signingCryptoKey, verifyingCryptoKey } from './keys.ts';
import { CertificateRequestError } from './errors.ts';
import { x509 } from './x509.ts';

/** Certificates start this long before they are issued, so a peer whose clock lags accepts them. */
export const notBeforeBackdateMs = 5 * 60 * 1000;
export const certificateDaysMax = 100 * 366;
const dayMs = 24 * 60 * 60 * 1000;
const serialBytes = 16;

export type ExtendedUsage = 'serverAuth' | 'clientAuth';

export interface CertificateProfile {
  readonly commonName: string;
  /** One O= attribute each, in order: Kubernetes reads them as the user's groups. */
  readonly organizations?: readonly string[];
  readonly days: number;
  readonly isCa?: boolean;
  readonly usages?: readonly ExtendedUsage[];
  /** DNS names and IP addresses for the subjectAltName extension. */
  readonly hosts?: readonly string[];
}

export interface Issuer {
  /** Absent for a self-signed certificate. */
  readonly certificate?: x509.X509Certificate;
  readonly privateKey: KeyObject;
}

export interface SignComponents {
  readonly clock: Clock;
  readonly random: Random;
}

/** Signs `publicKey` into a certificate described by `profile`; returns it as PEM. */
export async function signCertificate(
  issuer: Issuer,
  publicKey: KeyObject,
  profile: CertificateProfile,
  components: SignComponents,
): Promise<string> {
  checkProfile(profile);
  const nowMs = Math.floor(components.clock.now() / 1000) * 1000;
  const subject = subjectName(profile);
  const subjectKey = verifyingCryptoKey(publicKey);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(components.random),
    subject,
    issuer: issuer.certificate?.subjectName ?? subject,
    notBefore: new Date(nowMs - notBeforeBackdateMs),
    notAfter: new Date(nowMs + profile.days * dayMs),
    publicKey: subjectKey,
    signingKey: signingCryptoKey(issuer.privateKey),
    // The issuer's key decides: ECDSA with SHA-256 for a P-256 CA, Ed25519 for an older one.
    signingAlgorithm: signatureAlgorithmOf(issuer.privateKey),
    extensions: await extensions(profile, subjectKey, issuer),
  });
  return cert.toString('pem');
}

function checkProfile(profile: CertificateProfile): void {
  if (!profile.commonName) throw new CertificateRequestError('commonName: Required value');
  if (!Number.isInteger(profile.days) || profile.days < 1 || profile.days > certificateDaysMax) {
    throw new CertificateRequestError(
      `days: Invalid value: ${profile.days}: must be an integer from 1 to ${certificateDaysMax}`,
    );
  }
  profile.hosts?.forEach((h, i) => {
    if (!h) throw new CertificateRequestError(`hosts[${i}]: Required value`);
  });
}

function subjectName(profile: CertificateProfile): x509.JsonName {
  const orgs = (profile.organizations ?? []).map((o) => ({ O: [o] }));
  return [{ CN: [profile.commonName] }, ...orgs];
}

/** A positive serial of 16 random bytes; the top bits are fixed so DER keeps all 16. */
function serialNumber(random: Random): string {
  const bytes = random.bytes(serialBytes);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return Buffer.from(bytes).toString('hex');
}

async function extensions(
  profile: CertificateProfile,
  subjectKey: webcrypto.CryptoKey,
  issuer: Issuer,
): Promise<x509.Extension[]> {
  const flags = x509.KeyUsageFlags;
  const usage = profile.isCa
    ? flags.keyCertSign | flags.cRLSign | flags.digitalSignature
    : flags.digitalSignature;
  const issuerKey = issuer.certificate ? verifyingCryptoKey(issuer.privateKey) : subjectKey;
  const list: x509.Extension[] = [
    new x509.BasicConstraintsExtension(profile.isCa === true, undefined, true),
    new x509.KeyUsagesExtension(usage, true),
    await x509.SubjectKeyIdentifierExtension.create(subjectKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuerKey),
  ];
  if (profile.usages?.length) {
    const oids = profile.usages.map((u) => x509.ExtendedKeyUsage[u]);
    list.push(new x509.ExtendedKeyUsageExtension(oids));
  }
  if (profile.hosts?.length)
    list.push(new x509.SubjectAlternativeNameExtension(altNames(profile.hosts)));
  return list;
}

function altNames(hosts: readonly string[]): x509.JsonGeneralNames {
  return hosts.map((h) => ({ type: isIP(h) ? 'ip' : 'dns', value: h }));
}
