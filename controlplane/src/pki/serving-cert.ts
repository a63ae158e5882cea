/**
 * The apiserver's serving certificate, kept in the data dir and re-issued when it no longer fits:
 * a new host name or address, a new CA, close to expiry, or a key browsers refuse (Ed25519).
 *
 *   const tls = await loadOrCreateServingCert(pkiDir, ca, { hosts: ['localhost', '127.0.0.1'] });
 *   https.createServer({ cert: tls.certPem, key: tls.keyPem, ca: [ca.certPem], ... });
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { ClusterCa } from './ca.ts';
import { issueServerCert, type IssuedCert } from './issue.ts';
import { keyKindOf, spkiDer } from './keys.ts';
import { privateFileMode, publicFileMode, readIfExists, writeFileAtomic } from '@wisp/core';

export const servingCertFile = 'apiserver.crt';
export const servingKeyFile = 'apiserver.key';
export const servingCertDaysDefault = 365;
export const servingRenewBeforeDaysDefault = 30;
const dayMs = 24 * 60 * 60 * 1000;

export interface ServingCertOptions {
  readonly hosts: readonly string[];
  /** Validity of a newly issued certificate. */
  readonly days?: number;
  /** Re-issue when fewer than this many days remain. */
  readonly renewBeforeDays?: number;
}

export interface ServingCert extends IssuedCert {
  /** True when this call issued a new certificate. */
  readonly issued: boolean;
}

export async function loadOrCreateServingCert(
  dir: string,
  ca: ClusterCa,
  options: ServingCertOptions,
): Promise<ServingCert> {
  const certPath = join(dir, servingCertFile);
  const keyPath = join(dir, servingKeyFile);
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem !== undefined && keyPem !== undefined && stillFits(certPem, keyPem, ca, options)) {
    return { certPem, keyPem, issued: false };
  }
  const fresh = await issueServerCert(ca, {
    hosts: options.hosts,
    days: options.days ?? servingCertDaysDefault,
  });
  await writeFileAtomic(keyPath, fresh.keyPem, privateFileMode);
  await writeFileAtomic(certPath, fresh.certPem, publicFileMode);
  return { ...fresh, issued: true };
}

/** Whether a stored pair can keep serving: parseable, matched, from this CA, covering, fresh. */
export function stillFits(
  certPem: string,
  keyPem: string,
  ca: ClusterCa,
  options: ServingCertOptions,
): boolean {
  let cert: X509Certificate;
  let keyMatches: boolean;
  try {
    cert = new X509Certificate(certPem);
    keyMatches = spkiDer(cert.publicKey).equals(spkiDer(createPrivateKey(keyPem)));
  } catch {
    return false;
  }
  if (!keyMatches) return false;
  // A key from before the P-256 switch is re-issued: browsers cannot do TLS with Ed25519.
  if (keyKindOf(cert.publicKey) !== 'p256') return false;
  if (!cert.verify(new X509Certificate(ca.certPem).publicKey)) return false;
  const renewBeforeMs = (options.renewBeforeDays ?? servingRenewBeforeDaysDefault) * dayMs;
  if (cert.validToDate.getTime() - ca.clock.now() < renewBeforeMs) return false;
  return options.hosts.every((h) => covers(cert, h));
}

function covers(cert: X509Certificate, host: string): boolean {
  if (isIP(host)) return cert.checkIP(host) !== undefined;
  return cert.checkHost(host, { subject: 'never', wildcards: false }) !== undefined;
}
