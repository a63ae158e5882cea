/**
 * The cluster CA: one ECDSA P-256 key and a self-signed certificate that every apiserver serving
 * certificate, kubeconfig client certificate and node certificate chains to. P-256, not Ed25519:
 * browsers refuse Ed25519 certificate signatures. A data dir made with an Ed25519 CA keeps it
 * (every verifier checks by the key's own type), so existing nodes stay joined.
 *
 *   const ca = await loadOrCreateCa(pkiDir, { clock, random, commonName: 'wisp-ca' });
 *   const admin = await issueClientCert(ca, {
 *     user: 'admin', groups: ['system:masters'], days: 90 });
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { Clock, Random } from '@wisp/core';
import { CertificateFileError } from './errors.ts';
import { generateP256KeyPair, keyKindOf, privateKeyPem, spkiDer } from './keys.ts';
import { privateFileMode, publicFileMode, readIfExists, writeFileAtomic } from '@wisp/core';
import { signCertificate } from './sign.ts';
import { x509 } from './x509.ts';

export const caValidityDays = 3650;
export const caCertFile = 'ca.crt';
export const caKeyFile = 'ca.key';

export interface ClusterCa {
  readonly certPem: string;
  readonly certificate: x509.X509Certificate;
  readonly privateKey: KeyObject;
  /** Issuing takes time and serial numbers from these, never from ambient sources. */
  readonly clock: Clock;
  readonly random: Random;
}

export interface CaOptions {
  readonly clock: Clock;
  readonly random: Random;
  readonly commonName: string;
}

/** Loads `ca.crt` / `ca.key` from `dir`, creating them on first start. */
export async function loadOrCreateCa(dir: string, options: CaOptions): Promise<ClusterCa> {
  const certPath = join(dir, caCertFile);
  const keyPath = join(dir, caKeyFile);
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem !== undefined && keyPem !== undefined) {
    return parseCa(certPem, keyPem, { certPath, keyPath }, options);
  }
  if (certPem !== undefined || keyPem !== undefined) {
    const missing = certPem === undefined ? certPath : keyPath;
    throw new CertificateFileError(
      missing,
      'missing while its pair exists; refusing to replace the CA',
    );
  }
  const ca = await createCa(options);
  // The key lands first: a certificate without its key would be refused on the next start.
  await writeFileAtomic(keyPath, privateKeyPem(ca.privateKey), privateFileMode);
  await writeFileAtomic(certPath, ca.certPem, publicFileMode);
  return ca;
}

async function createCa(options: CaOptions): Promise<ClusterCa> {
  const { privateKey, publicKey } = generateP256KeyPair(options.random);
  const certPem = await signCertificate(
    { privateKey },
    publicKey,
    { commonName: options.commonName, days: caValidityDays, isCa: true },
    options,
  );
  const certificate = new x509.X509Certificate(certPem);
  return { certPem, certificate, privateKey, clock: options.clock, random: options.random };
}

function parseCa(
  certPem: string,
  keyPem: string,
  paths: { certPath: string; keyPath: string },
  options: CaOptions,
): ClusterCa {
  const certificate = parseCertificate(certPem, paths.certPath);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch (cause) {
    throw new CertificateFileError(paths.keyPath, 'not a PEM private key', { cause });
  }
  if (keyKindOf(privateKey) === undefined) {
    throw new CertificateFileError(paths.keyPath, 'not an ECDSA P-256 or Ed25519 key');
  }
  const certKey = Buffer.from(certificate.publicKey.rawData);
  if (!certKey.equals(spkiDer(privateKey))) {
    throw new CertificateFileError(paths.keyPath, `does not match the key in ${paths.certPath}`);
  }
  if (certificate.getExtension(x509.BasicConstraintsExtension)?.ca !== true) {
    throw new CertificateFileError(paths.certPath, 'not a CA certificate');
  }
  return { certPem, certificate, privateKey, clock: options.clock, random: options.random };
}

export function parseCertificate(pem: string, path: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(pem);
  } catch (cause) {
    throw new CertificateFileError(path, 'not a PEM certificate', { cause });
  }
}
