/**
 * The Kubernetes REST surface as a hono app: discovery, OpenAPI, and every verb on every resource
 * of `RESOURCES`, behind authentication and authorization. Tested in-process with
 * `app.request()`; served over HTTPS (HTTP/2 and HTTP/1.1) by `https-server.ts`.
 *
 *   const app = createApiApp({}, { registry, clock, authenticate, authorize });
 *   const res = await app.request('/api/v1/namespaces', { headers: { authorization: ... } });
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { Http2ServerRequest } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import {
  openapiV2,
  openapiV3GroupVersion,
  openapiV3Hash,
  openapiV3Root,
} from '@wisp/api/openapi/index.ts';
import type { Clock } from '@wisp/core';
import type { Registry } from '../registry/registry.ts';
import type { UserInfo } from '../registry/types.ts';
import { ForbiddenError } from '../registry/errors.ts';
import {
  AGGREGATED_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from './discovery.ts';
import { REQUEST_BODY_BYTES_MAX } from './body.ts';
import { parseRequestInfo } from './request-info.ts';
import type { RequestInfo } from './request-info.ts';
import { handleResource } from './resource-handlers.ts';
import type { PodLogSource } from './resource-handlers.ts';
import { failure, statusFor } from './status.ts';

export interface AuthnRequest {
  readonly authorized: boolean;
  readonly peerCertificate?: { subject?: Record<string, string | string[]>; raw?: Buffer };
  readonly authorization?: string;
}

export interface AuthzAttributes {
  readonly verb: string;
  readonly apiGroup?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly nonResourceURL?: string;
}

export interface Authorizer {
  authorize(user: UserInfo, attrs: AuthzAttributes): Promise<{ allowed: boolean; reason: string }>;
  forbiddenMessage(user: UserInfo, attrs: AuthzAttributes, reason?: string): string;
}

export interface ApiServerInit {
  readonly bodyBytesMax?: number;
  /** What `/version` answers; kubectl's dispatcher picks its client version from it. */
  readonly gitVersion?: string;
  /** Advertised in legacy discovery. */
  readonly serverAddress?: string;
}

export interface ApiServerComponents {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly authenticate: (req: AuthnRequest) => Promise<UserInfo | undefined>;
  readonly authorizer: Authorizer;
  readonly logs?: PodLogSource;
  /**
   * Routes outside the Kubernetes API (node join and renewal), added before authentication:
   * they authenticate their own callers.
   */
  readonly extraRoutes?: (app: Hono<Env>) => void;
}

export type Env = { Bindings: Partial<HttpBindings>; Variables: { user: UserInfo } };

const YEAR_MS = 365 * 24 * 3600 * 1000;
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

export function createApiApp(init: ApiServerInit, components: ApiServerComponents): Hono<Env> {
  const app = new Hono<Env>();
  // Our schemas are Kubernetes 1.30's (kubernetes-types); kubectl's dispatcher picks its client from
  // this answer, and clients up to 1.31 send JSON bodies (1.32+ typed clients send protobuf).
  const gitVersion = init.gitVersion ?? 'v1.30.14';
  const bodyBytesMax = init.bodyBytesMax ?? REQUEST_BODY_BYTES_MAX;

  app.onError((e, c) => respondError(c, e));
  app.notFound((c) =>
    c.json(failure(404, 'NotFound', 'the server could not find the requested resource'), 404),
  );

  components.extraRoutes?.(app);
  app.use('*', async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (PUBLIC_PATHS.has(path)) return next();
    const user = await components.authenticate(authnRequest(c));
    if (!user) return c.json(failure(401, 'Unauthorized', 'Unauthorized'), 401);
    c.set('user', user);
    return next();
  });

  app.get('/version', (c) => c.json(versionInfo(gitVersion)));
  for (const p of ['/healthz', '/livez', '/readyz']) app.get(p, (c) => c.text('ok'));

  app.get('/api', async (c) => {
    await authorizeNonResource(components.authorizer, c);
    if (wantsAggregated(c)) return aggregated(c, aggregatedDiscovery(true));
    return c.json(apiVersions(init.serverAddress ?? new URL(c.req.url).host));
  });
  app.get('/apis', async (c) => {
    await authorizeNonResource(components.authorizer, c);
    if (wantsAggregated(c)) return aggregated(c, aggregatedDiscovery(false));
    return c.json(apiGroupList());
  });
  app.get('/api/v1', async (c) => {
    await authorizeNonResource(components.authorizer, c);
    return c.json(apiResourceList('', 'v1'));
  });
  app.get('/apis/:group', async (c) => {
    await authorizeNonResource(components.authorizer, c);
    const g = apiGroupList().groups.find((x) => x.name === c.req.param('group'));
    return g ? c.json(apiGroup(g.name, g.versions[0].version)) : c.notFound();
  });
  app.get('/apis/:group/:version', async (c) => {
    await authorizeNonResource(components.authorizer, c);
    const list = apiResourceList(c.req.param('group'), c.req.param('version'));
    return list ? c.json(list) : c.notFound();
  });
  app.get('/openapi/v3', async (c) => {
    await authorizeNonResource(components.authorizer, c);
    return c.json(openapiV3Root());
  });
  app.get('/openapi/v3/*', async (c) => {
    await authorizeNonResource(components.authorizer, c);
    const url = new URL(c.req.url);
    const gv = url.pathname.slice('/openapi/v3/'.length);
    const doc = openapiV3GroupVersion(gv);
    if (!doc) return c.notFound();
    // A document asked for by its content hash never changes: let kubectl cache it for a year.
    const hash = url.searchParams.get('hash');
    if (hash && hash === openapiV3Hash(gv)) {
      c.header('cache-control', 'public, immutable');
      c.header('expires', new Date(components.clock.now() + YEAR_MS).toUTCString());
    }
    return c.json(doc);
  });
  app.get('/openapi/v2', async (c) => {
    await authorizeNonResource(components.authorizer, c);
    if ((c.req.header('accept') ?? '').includes('protobuf') && !acceptsJson(c)) {
      return c.json(failure(406, 'NotAcceptable', 'only application/json is served'), 406);
    }
    return c.json(openapiV2());
  });

  const resource = async (c: Context<Env>) => {
    const url = new URL(c.req.url);
    const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
    const ri = parseRequestInfo(c.req.method, url.pathname, watch);
    if (!ri.isResourceRequest || !ri.info) return c.notFound();
    await authorizeResource(components.authorizer, c.get('user'), ri);
    return handleResource(c, ri, { ...components, bodyBytesMax, user: c.get('user') });
  };
  app.all('/api/v1/*', resource);
  app.all('/apis/:group/:version/*', resource);
  return app;
}

function versionInfo(gitVersion: string) {
  const [major, minor] = gitVersion.replace(/^v/, '').split('.');
  return {
    major,
    minor,
    gitVersion,
    gitCommit: 'wisp',
    gitTreeState: 'clean',
    buildDate: '2026-11-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

/**
 * A connection's peer certificate never changes, so it is read once per TLS connection: an HTTP/2
 * session's streams share one (its `socket` is one object per session; a stream's is its own).
 */
const peerCertificates = new WeakMap<TLSSocket, AuthnRequest['peerCertificate'] | null>();

function peerCertificateOf(socket: TLSSocket): AuthnRequest['peerCertificate'] {
  let peer = peerCertificates.get(socket);
  if (peer === undefined) {
    const cert = socket.getPeerCertificate();
    const present = cert && Object.keys(cert).length > 0;
    peer = present
      ? { subject: cert.subject as unknown as Record<string, string>, raw: cert.raw }
      : null;
    peerCertificates.set(socket, peer);
  }
  return peer ?? undefined;
}

function connectionOf(incoming: Env['Bindings']['incoming']): TLSSocket | undefined {
  const h2 = incoming as Partial<Http2ServerRequest> | undefined;
  return (h2?.stream?.session?.socket ?? incoming?.socket) as TLSSocket | undefined;
}

function authnRequest(c: Context<Env>): AuthnRequest {
  const socket = connectionOf(c.env?.incoming);
  const authorization = c.req.header('authorization');
  if (!socket || typeof socket.getPeerCertificate !== 'function') {
    return { authorized: false, authorization };
  }
  return {
    authorized: socket.authorized,
    peerCertificate: peerCertificateOf(socket),
    authorization,
  };
}

async function authorizeNonResource(authorizer: Authorizer, c: Context<Env>): Promise<void> {
  const user = c.get('user');
  const attrs = { verb: 'get', nonResourceURL: new URL(c.req.url).pathname };
  const d = await authorizer.authorize(user, attrs);
  if (!d.allowed) throw new ForbiddenError(authorizer.forbiddenMessage(user, attrs, d.reason));
}

async function authorizeResource(
  authorizer: Authorizer,
  user: UserInfo,
  ri: RequestInfo,
): Promise<void> {
  const attrs: AuthzAttributes = {
    verb: ri.verb,
    apiGroup: ri.group,
    resource: ri.resource,
    subresource: ri.subresource,
    namespace: ri.authzNamespace,
    name: ri.name,
  };
  const d = await authorizer.authorize(user, attrs);
  if (!d.allowed) {
    throw new ForbiddenError(authorizer.forbiddenMessage(user, attrs, d.reason), ri.info, ri.name);
  }
}

function wantsAggregated(c: Context<Env>): boolean {
  return (c.req.header('accept') ?? '').includes('as=APIGroupDiscoveryList');
}

function acceptsJson(c: Context<Env>): boolean {
  const a = c.req.header('accept') ?? '';
  return a === '' || a.includes('application/json') || a.includes('*/*');
}

function aggregated(c: Context<Env>, body: object) {
  return c.body(JSON.stringify(body), 200, { 'content-type': AGGREGATED_CONTENT_TYPE });
}

export function respondError(c: Context, e: unknown) {
  const status = statusFor(e);
  if (status.code >= 500) console.error('apiserver: internal error', e);
  return c.body(JSON.stringify(status), status.code as 400, {
    'content-type': 'application/json',
  });
}
