/**
 * The control plane as one service: store → registry → apiserver over HTTPS, with the cluster
 * PKI and the bootstrap objects. The composition root (`cli/src/server.ts`) hands it the real
 * clock, randomness and store; tests hand it fakes.
 *
 *   const cp = createControlPlane({ dataDir, port: 0 }, { clock, random, store });
 *   await cp.start();
 *   writeFileSync('admin.kubeconfig', await cp.kubeconfig({ user: 'admin', groups: ['system:masters'] }));
 */
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { P2pInfo } from '@wisp/api/wire/protocols.ts';
import type { Clock, Gossip, NetworkGossip, Random, Store, VerifyPeer } from '@wisp/core';
import { createApiApp } from './apiserver/app.ts';
import type { ApiServerInit } from './apiserver/app.ts';
import { withDashboard } from './apiserver/dashboard-routes.ts';
import { createHttpsServer } from './apiserver/https-server.ts';
import type { HttpsServer } from './apiserver/https-server.ts';
import type { PodLogSource } from './apiserver/resource-handlers.ts';
import { createAuthenticator } from './auth/authn.ts';
import { bootstrapPolicy, createRbacAuthorizer } from './auth/index.ts';
import { createCompactor } from './compactor.ts';
import { createAdmissionPlugins, kubernetesService } from './admission/index.ts';
import type { AdmissionInit } from './admission/index.ts';
import { createControllerManager } from './controllers/manager.ts';
import type { ControllerManager, ControllerManagerInit } from './controllers/manager.ts';
import { jobSelectorAdmission } from './controllers/job/index.ts';
import { createRbacCache } from './informer/rbac-cache.ts';
import { createNodeAuthorizer } from './auth/node-authorizer.ts';
import { nodeRestrictionAdmission } from './auth/node-authorizer-admission.ts';
import { registryNodeGraph } from './auth/node-authorizer-graph.ts';
import { unionAuthorizer } from './auth/node-authorizer-union.ts';
import { openNodeJoin } from './join/node-join.ts';
import type { NodeJoin, NodeJoinInit } from './join/node-join.ts';
import { openTokenStore } from './auth/tokens.ts';
import type { TokenStore } from './auth/tokens.ts';
import { ensureObjects, runtimeClasses, systemNamespaces } from './bootstrap/bootstrap.ts';
import {
  issueClientCert,
  kubeconfigYaml,
  loadOrCreateCa,
  loadOrCreateServingCert,
} from './pki/index.ts';
import type { ClusterCa } from './pki/index.ts';
import { createRegistry } from './registry/registry.ts';
import type { Registry } from './registry/registry.ts';
import type { AdmissionPlugin } from './registry/types.ts';
import { createDistributor } from './distributor/distributor.ts';
import type { Distributor, DistributorInit } from './distributor/distributor.ts';
import { createNodePeers, type NodePeers } from './distributor/node-peers.ts';
import { createPodLogSource } from './logs/pod-log-source.ts';

export interface ControlPlaneInit extends ApiServerInit {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Extra names and addresses for the serving certificate. */
  readonly advertiseHosts?: readonly string[];
  readonly clusterName?: string;
  /** How often old store history is compacted away. */
  readonly compactIntervalMs?: number;
  /** The scheduler and controllers; `false` runs the apiserver alone. */
  readonly controllers?: ControllerManagerInit | false;
  readonly admission?: AdmissionInit;
  /** Node join: certificate lifetime, cluster CIDR and per-node mask. */
  readonly join?: NodeJoinInit;
  /** The distributor's debounce and workers; used only with a `gossip` component. */
  readonly distributor?: DistributorInit;
}

/** What the composition root needs to build the control plane's libp2p node. */
export interface ControlPlaneP2p {
  /** The peer admission check: node certificate trusted, and remembered for the status protocol. */
  readonly verifyPeer: VerifyPeer;
  readonly nodeJoin: NodeJoin;
}

export interface ControlPlaneComponents {
  readonly clock: Clock;
  readonly random: Random;
  readonly store: Store;
  /** Replaces the default admission plugins (service IPs, tolerations, disruption budgets). */
  readonly admission?: readonly AdmissionPlugin[];
  readonly logs?: PodLogSource;
  readonly log?: (message: string, error?: unknown) => void;
  /** Builds the gossip node (libp2p in `wisp server`); absent: no distributor runs. */
  readonly gossip?: (p2p: ControlPlaneP2p) => Gossip | Promise<Gossip>;
}

export interface ControlPlane {
  start(): Promise<void>;
  stop(): Promise<void>;
  url(): string;
  readonly registry: Registry;
  readonly controllers?: ControllerManager;
  ca(): ClusterCa;
  tokens(): TokenStore;
  /** Join tokens, node certificates, revocations, the trust check and the signing key. */
  nodeJoin(): NodeJoin;
  /** The distributor, once started with a `gossip` component. */
  distributor(): Distributor | undefined;
  /** A client-certificate kubeconfig for a user and groups. */
  kubeconfig(user: { user: string; groups: readonly string[]; days?: number }): Promise<string>;
}

export function createControlPlane(
  init: ControlPlaneInit,
  components: ControlPlaneComponents,
): ControlPlane {
  const { clock, random, store } = components;
  const log = components.log ?? ((m: string, e?: unknown) => console.error(m, e ?? ''));
  const admission = components.admission ?? [
    ...createAdmissionPlugins(init.admission ?? {}, {
      store,
      clock,
      random,
      registry: () => registry,
    }),
    jobSelectorAdmission,
    nodeRestrictionAdmission,
  ];
  const registry = createRegistry({}, { store, clock, random, admission });
  const controllers =
    init.controllers === false
      ? undefined
      : createControllerManager(init.controllers ?? {}, { registry, clock, random, log });
  const pkiDir = join(init.dataDir, 'pki');
  let ca: ClusterCa | undefined;
  let tokenStore: TokenStore | undefined;
  let nodeJoin: NodeJoin | undefined;
  let server: HttpsServer | undefined;
  let gossip: Gossip | undefined;
  let distributor: Distributor | undefined;
  // `kubectl logs` asks the node's agent over gossip, once it is connected.
  let nodePeers: NodePeers | undefined;
  const logs =
    components.logs ??
    (components.gossip
      ? createPodLogSource(
          {},
          { clock, gossip: () => gossip, peerOf: (node) => nodePeers?.byNode(node)?.peerId },
        )
      : undefined);
  const rbac = createRbacCache(registry, clock);
  const compactor = createCompactor(
    { intervalMs: init.compactIntervalMs },
    { store, clock, onError: (e) => log('compactor failed', e) },
  );

  return {
    registry,
    controllers,
    async start() {
      await mkdir(pkiDir, { recursive: true, mode: 0o700 });
      ca = await loadOrCreateCa(pkiDir, { clock, random, commonName: 'wisp-ca' });
      const host = init.host ?? '127.0.0.1';
      const hosts = [
        ...new Set([
          'localhost',
          '127.0.0.1',
          '::1',
          hostname(),
          host,
          ...(init.advertiseHosts ?? []),
        ]),
      ];
      const serving = await loadOrCreateServingCert(pkiDir, ca, { hosts });
      tokenStore = await openTokenStore(join(init.dataDir, 'tokens.json'), { random, clock });
      await ensureObjects(registry, [
        ...systemNamespaces(),
        ...bootstrapPolicy(),
        kubernetesService(),
        ...runtimeClasses(),
      ]);
      await rbac.start();
      compactor.start();
      nodeJoin = await openNodeJoin(init.join ?? {}, {
        dataDir: init.dataDir,
        pkiDir,
        ca,
        store,
        registry,
        clock,
        random,
      });
      // As kube-apiserver's `--authorization-mode=Node,RBAC`.
      const authorizer = unionAuthorizer([
        createNodeAuthorizer({ graph: registryNodeGraph(registry) }),
        createRbacAuthorizer({ source: rbac }),
      ]);
      const authenticate = nodeJoin.checked(
        createAuthenticator({ caPem: ca.certPem, tokens: tokenStore }),
      );
      const app = createApiApp(init, {
        registry,
        clock,
        authenticate,
        authorizer,
        logs,
        extraRoutes: withDashboard(
          nodeJoin.routes(authenticate, authorizer, () => p2pInfoOf(gossip)),
        ),
      });
      server = createHttpsServer(
        {
          host,
          port: init.port ?? 6443,
          certPem: serving.certPem,
          keyPem: serving.keyPem,
          caPem: ca.certPem,
        },
        app as never,
      );
      await server.start();
      // --- distributor (issue 3): only with a gossip component; built before the controllers
      // start, since it asks their shared informer factory for its informers.
      if (components.gossip) {
        const peers = createNodePeers({}, { trust: nodeJoin.trust });
        nodePeers = peers;
        gossip = await components.gossip({ verifyPeer: peers.verifyPeer, nodeJoin });
        distributor = createDistributor(init.distributor ?? {}, {
          ...{ registry, clock, random, gossip, peers, authorizer, log },
          informers: controllers?.informers,
          signingKey: nodeJoin.signingKey,
          revocations: nodeJoin.revocations,
        });
      }
      await controllers?.start();
      await gossip?.start();
      await distributor?.start();
      // --- end distributor
    },
    async stop() {
      await distributor?.stop();
      await gossip?.stop();
      await controllers?.stop();
      await server?.stop();
      server = undefined;
      await compactor.stop();
      await rbac.stop();
      await nodeJoin?.stop();
    },
    url: () => {
      if (!server) throw new Error('control plane not started');
      return server.url();
    },
    ca: () => {
      if (!ca) throw new Error('control plane not started');
      return ca;
    },
    tokens: () => {
      if (!tokenStore) throw new Error('control plane not started');
      return tokenStore;
    },
    distributor: () => distributor,
    nodeJoin: () => {
      if (!nodeJoin) throw new Error('control plane not started');
      return nodeJoin;
    },
    async kubeconfig({ user, groups, days }) {
      const issued = await issueClientCert(this.ca(), { user, groups, days: days ?? 365 });
      return kubeconfigYaml({
        clusterName: init.clusterName ?? 'wisp',
        server: this.url(),
        caPem: this.ca().certPem,
        user: { name: user, certPem: issued.certPem, keyPem: issued.keyPem },
      });
    },
  };
}

/** What `GET /wisp/v1/p2p` answers: a gossip on a real network has addresses to dial. */
function p2pInfoOf(gossip: Gossip | undefined): P2pInfo | undefined {
  const network = gossip as Partial<NetworkGossip> | undefined;
  if (!network?.addresses || !network.peerId) return undefined;
  const suffix = `/p2p/${network.peerId}`;
  const addresses = network.addresses().map((a) => (a.endsWith(suffix) ? a : `${a}${suffix}`));
  return { peerId: network.peerId, addresses };
}
