import { createHash } from 'node:crypto';
import { CertificateRequestError } from './errors.ts';
import { x509 } from './x509.ts';

/**
 * The SHA-256 of the CA certificate's DER, in hex. A join token carries it so an agent can check
 * it reached the right control plane before sending any secret (k3s-style CA pinning).
 */
export function caHash(caPem: string): string {
  let der: ArrayBuffer;
  try {
    der = new x509.X509Certificate(caPem).rawData;
  } catch (cause) {
    throw new CertificateRequestError('caPem: not a PEM certificate', { cause });
  }
  return createHash('sha256').update(Buffer.from(der)).digest('hex');
}
