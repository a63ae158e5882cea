/**
 * The agent's answer to "is this peer a node of our cluster?", for libp2p peer admission: the
 * certificate chains to the CA the node pinned at join, is valid on the injected clock, is for the
 * peer's key, and its node is not revoked. Revocations arrive over the cluster gossip topic (or
 * `GET /wisp/v1/revocations`) and are fed in with `revoke`.
 *
 *   const trust = createPeerTrust({ caPem: creds.state.caPem }, { clock });
 *   gossipInit.verifyPeer = (certPem, peerId) => trust.isCertificateTrusted(certPem, peerId);
 */
import { X509Certificate } from 'node:crypto';
import { checkNodeCertificate, type TrustVerdict } from '@wisp/api/wire/identity.ts';
import type { Clock } from '@wisp/core';

export interface PeerTrust {
  check(certPem: string | Uint8Array, peerId?: string): TrustVerdict;
  isCertificateTrusted(certPem: string | Uint8Array, peerId?: string): boolean;
  revoke(nodeName: string): void;
  isRevoked(nodeName: string): boolean;
}

export function createPeerTrust(
  init: { readonly caPem: string; readonly revoked?: readonly string[] },
  components: { readonly clock: Clock },
): PeerTrust {
  const ca = new X509Certificate(init.caPem);
  const revoked = new Set(init.revoked ?? []);
  const check = (cert: string | Uint8Array, peerId?: string) =>
    checkNodeCertificate(cert, {
      caPem: ca,
      nowMs: components.clock.now(),
      isRevoked: (n) => revoked.has(n),
      peerId,
    });
  return {
    check,
    isCertificateTrusted: (cert, peerId) => check(cert, peerId).trusted,
    revoke: (nodeName) => void revoked.add(nodeName),
    isRevoked: (nodeName) => revoked.has(nodeName),
  };
}
