/**
 * The control plane's answer to "is this node certificate good right now?": the pure check of
 * api/src/wire/identity.ts bound to the cluster CA, the injected clock and the revocation list.
 * The apiserver's authenticator and the libp2p peer admission both ask it.
 *
 *   const trust = createNodeTrust({ caPem: ca.certPem }, { clock, revocations });
 *   gossipInit.verifyPeer = (certPem, peerId) => trust.isCertificateTrusted(certPem, peerId);
 */
import { X509Certificate } from 'node:crypto';
import { checkIdentityNow, verifyNodeCertificate } from '@wisp/api/wire/identity.ts';
import type { TrustVerdict } from '@wisp/api/wire/identity.ts';
import type { Clock } from '@wisp/core';

/** Distinct certificates whose parse and chain check are remembered. */
export const nodeTrustCacheEntriesMax = 1024;

export interface NodeTrust {
  check(cert: string | Uint8Array, peerId?: string): TrustVerdict;
  isCertificateTrusted(cert: string | Uint8Array, peerId?: string): boolean;
}

export interface NodeTrustComponents {
  readonly clock: Clock;
  readonly revocations: { isRevoked(nodeName: string): boolean };
}

export function createNodeTrust(
  init: { readonly caPem: string },
  components: NodeTrustComponents,
): NodeTrust {
  const ca = new X509Certificate(init.caPem);
  const verified = new Map<string, TrustVerdict>();
  const verifiedOnce = (cert: string | Uint8Array): TrustVerdict => {
    const key = typeof cert === 'string' ? cert : Buffer.from(cert).toString('base64');
    let v = verified.get(key);
    if (v) return v;
    v = verifyNodeCertificate(cert, ca);
    if (verified.size >= nodeTrustCacheEntriesMax) {
      verified.delete(verified.keys().next().value!);
    }
    verified.set(key, v);
    return v;
  };
  const check = (cert: string | Uint8Array, peerId?: string): TrustVerdict => {
    const v = verifiedOnce(cert);
    if (!v.trusted) return v;
    return checkIdentityNow(v.identity, {
      nowMs: components.clock.now(),
      isRevoked: (n) => components.revocations.isRevoked(n),
      peerId,
    });
  };
  return { check, isCertificateTrusted: (cert, peerId) => check(cert, peerId).trusted };
}
