/**
 * The join endpoints on the apiserver, outside the Kubernetes API and ahead of its
 * authentication (each authenticates its own caller):
 *
 *   GET  /wisp/v1/ca           public: the CA certificate, which an agent checks against the
 *                              hash in its token before it sends the token
 *   POST /wisp/v1/join         Authorization: Bearer <join token>; JoinRequest → JoinResponse
 *   POST /wisp/v1/renew        a trusted node client certificate → JoinResponse
 *   GET  /wisp/v1/revocations  any authenticated user: the revoked node names
 *   POST /wisp/v1/revocations  {nodeName}; allowed to whoever may create `nodes/revocation`
 *   GET  /wisp/v1/p2p          public: the control plane's libp2p peer id and addresses, which
 *                              an agent fetches over the CA-pinned TLS after joining and dials
 *
 *   createApiApp(init, { ...components, extraRoutes: (app) => addJoinRoutes(app, deps) });
 */
import type { IncomingMessage } from 'node:http';
import type { Context, Hono } from 'hono';
import {
  caPath,
  joinBodyBytesMax,
  joinPath,
  renewPath,
  revocationsPath,
} from '@wisp/api/wire/join.ts';
import { checkNodeName } from '@wisp/api/wire/join.ts';
import { p2pInfoPath, type P2pInfo } from '@wisp/api/wire/protocols.ts';
import type { Env, Authorizer } from '../apiserver/app.ts';
import { respondError } from '../apiserver/app.ts';
import { readBody } from '../apiserver/body.ts';
import { failure } from '../apiserver/status.ts';
import { authRequestOf, bearerToken, type AuthRequest } from '../auth/authn.ts';
import type { UserInfo } from '../auth/user-info.ts';
import type { NodeRevocations } from '../pki/node-revocations.ts';
import type { NodeTrust } from '../pki/node-trust.ts';
import { ForbiddenError } from '../registry/errors.ts';
import { JoinRequestInvalidError, wispErrorOf } from './wire-errors.ts';
import type { JoinService } from './join-service.ts';

export interface JoinRoutesComponents {
  readonly caPem: string;
  readonly joins: JoinService;
  readonly trust: NodeTrust;
  readonly revocations: NodeRevocations;
  readonly authenticate: (req: AuthRequest) => Promise<UserInfo | undefined>;
  readonly authorizer: Authorizer;
  /** The control plane's libp2p node; undefined while (or when) it runs none. */
  readonly p2p?: () => P2pInfo | undefined;
}

export function addJoinRoutes(app: Hono<Env>, deps: JoinRoutesComponents): void {
  app.get(caPath, (c) => c.body(deps.caPem, 200, { 'content-type': 'application/x-pem-file' }));

  app.get(p2pInfoPath, (c) => {
    const info = deps.p2p?.();
    if (!info || info.addresses.length === 0) {
      return c.json(
        failure(503, 'ServiceUnavailable', 'the control plane runs no libp2p node'),
        503,
      );
    }
    return c.json(info);
  });

  app.post(joinPath, async (c) => {
    try {
      const token = bearerToken(c.req.header('authorization'));
      const body = await jsonBody(c);
      return c.json(await deps.joins.join(token, body));
    } catch (e) {
      return respondError(c, e);
    }
  });

  app.post(renewPath, async (c) => {
    try {
      const req = requestOf(c);
      const user = await deps.authenticate(req);
      const raw = req.peerCertificate?.raw;
      const verdict = raw && user ? deps.trust.check(raw) : undefined;
      if (!verdict?.trusted || user?.name !== `system:node:${verdict.identity.nodeName}`) {
        return c.json(
          failure(401, 'Unauthorized', 'renew: a trusted node certificate is required'),
          401,
        );
      }
      return c.json(await deps.joins.renew(verdict.identity));
    } catch (e) {
      return respondError(c, e);
    }
  });

  app.get(revocationsPath, async (c) => {
    if (!(await deps.authenticate(requestOf(c)))) return unauthorized(c);
    return c.json({ revocations: deps.revocations.list() });
  });

  app.post(revocationsPath, async (c) => {
    try {
      const user = await deps.authenticate(requestOf(c));
      if (!user) return unauthorized(c);
      const { nodeName } = (await jsonBody(c)) as { nodeName?: unknown };
      const name = typeof nodeName === 'string' ? nodeName : '';
      wispErrorOf(() => checkNodeName(name));
      await authorizeRevocation(deps.authorizer, user, name);
      return c.json(await deps.revocations.revoke(name));
    } catch (e) {
      return respondError(c, e);
    }
  });
}

function requestOf(c: Context<Env>): AuthRequest {
  const incoming = c.env?.incoming as IncomingMessage | undefined;
  if (!incoming) return { authorized: false, authorization: c.req.header('authorization') };
  return authRequestOf(incoming);
}

async function jsonBody(c: Context<Env>): Promise<unknown> {
  const text = await readBody(c.req.raw, joinBodyBytesMax);
  try {
    return JSON.parse(text || '{}');
  } catch {
    throw new JoinRequestInvalidError('body: Invalid value: not JSON');
  }
}

async function authorizeRevocation(authorizer: Authorizer, user: UserInfo, nodeName: string) {
  const attrs = {
    verb: 'create',
    apiGroup: '',
    resource: 'nodes',
    subresource: 'revocation',
    name: nodeName,
  };
  const d = await authorizer.authorize(user, attrs);
  if (!d.allowed) throw new ForbiddenError(authorizer.forbiddenMessage(user, attrs, d.reason));
}

function unauthorized(c: Context<Env>) {
  return c.json(failure(401, 'Unauthorized', 'Unauthorized'), 401);
}
