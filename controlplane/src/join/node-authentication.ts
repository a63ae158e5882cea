/**
 * Node certificates get a check of their own on top of the TLS layer's: the validity window on
 * the injected clock, the peer-id/key match, and the revocation list. A request whose client
 * certificate names a node but fails the check is treated as if it sent no certificate, so it
 * is anonymous unless it also carries a good bearer token (the union rule of authn.ts).
 *
 *   const authenticate = withNodeCertificateChecks(createAuthenticator({ caPem, tokens }), trust);
 */
import { nodeNameOfUser } from '@wisp/api/wire/identity.ts';
import type { Authenticate } from '../auth/authn.ts';
import type { NodeTrust } from '../pki/node-trust.ts';

export function withNodeCertificateChecks(base: Authenticate, trust: NodeTrust): Authenticate {
  return async (req) => {
    const user = await base(req);
    const raw = req.peerCertificate?.raw;
    if (!user || !req.authorized || !raw?.length) return user;
    if (nodeNameOfUser(user) === undefined) return user;
    const verdict = trust.check(raw);
    if (verdict.trusted && user.name === `system:node:${verdict.identity.nodeName}`) return user;
    return base({ authorized: false, authorization: req.authorization });
  };
}
