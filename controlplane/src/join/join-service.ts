/**
 * Joining and renewing, without HTTP: a join token plus a JoinRequest becomes a node certificate
 * for the node's own key, a pod CIDR, the CA and the distributor's signing key; a node holding a
 * trusted certificate renews it for the same key and facts. `join-routes.ts` puts this on the
 * apiserver.
 *
 *   const joins = createJoinService({}, { ca, signingKey, tokens, revocations, podCidrs,
 *     registry });
 *   const answer = await joins.join(bearerToken, await req.json());
 */
import { caHash } from '../pki/ca-hash.ts';
import type { ClusterCa } from '../pki/ca.ts';
import { hashesEqual } from '../auth/token-format.ts';
import { issueNodeCertificate } from '../pki/node-cert.ts';
import type { NodeSigningKey } from '../pki/node-signing-key.ts';
import type { PodCidrAllocator } from '../pki/node-pod-cidr.ts';
import type { Registry } from '../registry/registry.ts';
import { fromBase64Url, toBase64Url, type NodeIdentity } from '@wisp/api/wire/identity.ts';
import { parseJoinToken, validateJoinRequest, type JoinResponse } from '@wisp/api/wire/join.ts';
import { JoinForbiddenError, JoinTokenRefusedError } from './errors.ts';
import type { JoinTokenStore } from './join-tokens.ts';
import { registerNode } from './register-node.ts';
import { wispErrorOf } from './wire-errors.ts';
import { recordCertificateExpiry } from '../pki/node-cert-expiry.ts';

export interface JoinServiceInit {
  /** Lifetime of each node certificate issued. */
  readonly nodeCertValidityMs?: number;
}

export interface JoinServiceComponents {
  readonly ca: ClusterCa;
  readonly signingKey: NodeSigningKey;
  readonly tokens: JoinTokenStore;
  readonly revocations: { isRevoked(nodeName: string): boolean };
  readonly podCidrs: PodCidrAllocator;
  readonly registry: Registry;
}

export interface JoinStats {
  /** Every request that reached the join endpoint, granted or not. */
  readonly joinAttempts: number;
  readonly joinsGranted: number;
  readonly renewals: number;
}

export interface JoinService {
  join(bearerToken: string | undefined, body: unknown): Promise<JoinResponse>;
  /** Re-issues the certificate of a node the authenticator already trusts. */
  renew(identity: NodeIdentity): Promise<JoinResponse>;
  stats(): JoinStats;
}

export function createJoinService(
  init: JoinServiceInit,
  components: JoinServiceComponents,
): JoinService {
  const { ca, signingKey, tokens, revocations, podCidrs, registry } = components;
  const ourCaHash = caHash(ca.certPem);
  const stats = { joinAttempts: 0, joinsGranted: 0, renewals: 0 };

  function grantOf(bearerToken: string | undefined) {
    if (!bearerToken) throw new JoinTokenRefusedError('malformed', 'join token: Required value');
    let parsed;
    try {
      parsed = parseJoinToken(bearerToken);
    } catch {
      throw new JoinTokenRefusedError('malformed', 'join token: malformed');
    }
    if (!hashesEqual(parsed.caHash, ourCaHash)) {
      throw new JoinTokenRefusedError('wrong-cluster', 'join token: pins another cluster CA');
    }
    return tokens.verify(parsed.credential);
  }

  function refuseRevoked(nodeName: string): void {
    if (revocations.isRevoked(nodeName)) {
      throw new JoinForbiddenError(`node "${nodeName}" is revoked`);
    }
  }

  async function answer(
    facts: { nodeName: string; site: string; podCidr: string },
    keys: { ed25519: Uint8Array; x25519: Uint8Array },
  ): Promise<JoinResponse> {
    const certificatePem = await issueNodeCertificate(ca, {
      ...facts,
      ed25519PublicKey: keys.ed25519,
      x25519PublicKey: keys.x25519,
      validityMs: init.nodeCertValidityMs,
    });
    return {
      ...facts,
      certificatePem,
      caPem: ca.certPem,
      signingPublicKey: toBase64Url(signingKey.publicKey),
      signingKeyId: signingKey.keyId,
    };
  }

  return {
    async join(bearerToken, body) {
      stats.joinAttempts++;
      const grant = grantOf(bearerToken);
      const request = wispErrorOf(() => validateJoinRequest(body));
      if (grant.site && request.site && request.site !== grant.site) {
        throw new JoinForbiddenError(
          `site: Forbidden: this token joins nodes to site "${grant.site}", not "${request.site}"`,
        );
      }
      refuseRevoked(request.nodeName);
      const site = grant.site ?? request.site;
      const podCidr = await podCidrs.allocate(request.nodeName);
      const x25519 = fromBase64Url(request.x25519PublicKey, 'x25519PublicKey', 32);
      const response = await answer(
        { nodeName: request.nodeName, site, podCidr },
        { ed25519: fromBase64Url(request.ed25519PublicKey, 'ed25519PublicKey', 32), x25519 },
      );
      await registerNode(registry, {
        nodeName: request.nodeName,
        site,
        labels: request.labels,
        podCidr,
        x25519PublicKey: toBase64Url(x25519),
      });
      await recordCertificateExpiry(registry, request.nodeName, response.certificatePem);
      stats.joinsGranted++;
      return response;
    },
    async renew(identity) {
      refuseRevoked(identity.nodeName);
      const podCidr = await podCidrs.allocate(identity.nodeName);
      const response = await answer(
        { nodeName: identity.nodeName, site: identity.site, podCidr },
        { ed25519: identity.ed25519PublicKey, x25519: identity.x25519PublicKey },
      );
      await recordCertificateExpiry(registry, identity.nodeName, response.certificatePem);
      stats.renewals++;
      return response;
    },
    stats: () => ({ ...stats }),
  };
}
