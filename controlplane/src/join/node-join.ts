/**
 * Everything the control plane needs for node identity, opened together after the CA: join
 * tokens, the distributor's signing key, pod CIDRs, revocations and the trust check. The
 * control plane composes its authenticator and routes from it; the distributor and the libp2p
 * peer admission take `signingKey` and `trust` from it.
 *
 *   const nodes = await openNodeJoin({}, { dataDir, pkiDir, ca, store, registry, clock, random });
 *   const authenticate = nodes.checked(createAuthenticator({ caPem, tokens }));
 *   createApiApp(init, { ..., authenticate, extraRoutes: nodes.routes(authenticate, authorizer) });
 */
import { join } from 'node:path';
import type { Clock, Random, Store } from '@wisp/core';
import type { Hono } from 'hono';
import type { P2pInfo } from '@wisp/api/wire/protocols.ts';
import type { Authorizer, Env } from '../apiserver/app.ts';
import type { Authenticate } from '../auth/authn.ts';
import type { ClusterCa } from '../pki/ca.ts';
import { caHash } from '../pki/ca-hash.ts';
import { loadOrCreateSigningKey, type NodeSigningKey } from '../pki/node-signing-key.ts';
import { createPodCidrAllocator, type PodCidrAllocatorInit } from '../pki/node-pod-cidr.ts';
import { createNodeRevocations, type NodeRevocations } from '../pki/node-revocations.ts';
import { createNodeTrust, type NodeTrust } from '../pki/node-trust.ts';
import type { Registry } from '../registry/registry.ts';
import { addJoinRoutes } from './join-routes.ts';
import { createJoinService, type JoinService, type JoinServiceInit } from './join-service.ts';
import { joinTokensFile, openJoinTokenStore, type JoinTokenStore } from './join-tokens.ts';
import { withNodeCertificateChecks } from './node-authentication.ts';

export interface NodeJoinInit extends JoinServiceInit, PodCidrAllocatorInit {}

export interface NodeJoinComponents {
  readonly dataDir: string;
  readonly pkiDir: string;
  readonly ca: ClusterCa;
  readonly store: Store;
  readonly registry: Registry;
  readonly clock: Clock;
  readonly random: Random;
}

export interface NodeJoin {
  readonly joins: JoinService;
  readonly tokens: JoinTokenStore;
  readonly revocations: NodeRevocations;
  readonly trust: NodeTrust;
  readonly signingKey: NodeSigningKey;
  /** The authenticator with node certificates checked against time and revocations. */
  checked(authenticate: Authenticate): Authenticate;
  /** The `extraRoutes` hook of the apiserver app; `p2p` answers `GET /wisp/v1/p2p`. */
  routes(
    authenticate: Authenticate,
    authorizer: Authorizer,
    p2p?: () => P2pInfo | undefined,
  ): (app: Hono<Env>) => void;
  stop(): Promise<void>;
}

export async function openNodeJoin(init: NodeJoinInit, c: NodeJoinComponents): Promise<NodeJoin> {
  const { ca, store, registry, clock, random } = c;
  const signingKey = await loadOrCreateSigningKey(c.pkiDir, { random });
  const tokens = await openJoinTokenStore(join(c.dataDir, joinTokensFile), {
    caHash: caHash(ca.certPem),
    clock,
    random,
  });
  const revocations = createNodeRevocations({}, { store, clock });
  await revocations.start();
  const trust = createNodeTrust({ caPem: ca.certPem }, { clock, revocations });
  const podCidrs = createPodCidrAllocator(init, { store, clock });
  const joins = createJoinService(init, {
    ca,
    signingKey,
    tokens,
    revocations,
    podCidrs,
    registry,
  });
  return {
    joins,
    tokens,
    revocations,
    trust,
    signingKey,
    checked: (authenticate) => withNodeCertificateChecks(authenticate, trust),
    routes: (authenticate, authorizer, p2p) => (app) =>
      addJoinRoutes(app, {
        caPem: ca.certPem,
        joins,
        trust,
        revocations,
        authenticate,
        authorizer,
        ...(p2p ? { p2p } : {}),
      }),
    stop: async () => revocations.stop(),
  };
}
