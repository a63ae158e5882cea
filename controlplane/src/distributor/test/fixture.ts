/**
 * A distributor on a MemoryStore registry, a FakeClock and a MemoryNetwork, with a real cluster
 * CA so nodes are admitted by real certificates, and agents that are bare MemoryGossip nodes
 * holding their own Ed25519 / X25519 keys.
 */
import { openSiteMessage } from '@wisp/api/wire/desired-batch.ts';
import type { TrustedKeys } from '@wisp/api/wire/envelope.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { findResource, type KubeObject } from '@wisp/api';
import { peerIdFromEd25519, signingKeyId } from '@wisp/api/wire/identity.ts';
import {
  clusterTopic,
  openWireMessage,
  siteTopic,
  type NodeDesired,
} from '@wisp/api/wire/messages.ts';
import { seededRandom, type Random } from '@wisp/core';
import { FakeClock, MemoryStore } from '@wisp/testkit';
import { MemoryNetwork, type MemoryGossip } from '@wisp/testkit/memory-gossip.ts';
import { nodeRestrictionAdmission } from '../../auth/node-authorizer-admission.ts';
import { registryNodeGraph } from '../../auth/node-authorizer-graph.ts';
import { createNodeAuthorizer } from '../../auth/node-authorizer.ts';
import { loadOrCreateCa, type ClusterCa } from '../../pki/ca.ts';
import { issueNodeCertificate } from '../../pki/node-cert.ts';
import { createNodeTrust } from '../../pki/node-trust.ts';
import type { NodeRevocation } from '../../pki/node-revocations.ts';
import { createRegistry, type Registry } from '../../registry/registry.ts';
import { createDistributor, type Distributor } from '../distributor.ts';
import { createNodePeers, type NodePeers } from '../node-peers.ts';

export const startMs = Date.UTC(2030, 0, 1);
export const site = 'store-42';
export const topics = [siteTopic(site), siteTopic(''), clusterTopic];

export interface Agent {
  readonly nodeName: string;
  readonly gossip: MemoryGossip;
  readonly boxSecretKey: Uint8Array;
  readonly signKey: { keyId: string; secretKey: Uint8Array };
  readonly received: Uint8Array[];
}

export interface Fixture {
  readonly clock: FakeClock;
  readonly random: Random;
  readonly store: MemoryStore;
  readonly registry: Registry;
  readonly net: MemoryNetwork;
  readonly cp: MemoryGossip;
  readonly peers: NodePeers;
  readonly signingPublicKey: Uint8Array;
  readonly signingKeyId: string;
  /** The control plane's signing key, as agents trust it. */
  readonly trusted: TrustedKeys;
  /** A NodeDesired document the distributor signed, opened and checked as an agent does. */
  openDesired(bytes: Uint8Array): NodeDesired;
  readonly revoked: Set<string>;
  distributor: Distributor;
  startDistributor(): Promise<Distributor>;
  revoke(nodeName: string): void;
  /** An admitted agent; `addresses` are where it tells peers it listens (identify). */
  agent(nodeName: string, seed: number, options?: { addresses?: string[] }): Promise<Agent>;
  create(plural: string, obj: KubeObject): Promise<KubeObject>;
  /** The cluster every distributor test starts from: `namespaces`, and Nodes edge-a and edge-b. */
  seedNodes(namespaces?: readonly string[]): Promise<void>;
  /** Advances fake time in small steps until `cond` holds (at most `withinMs`). */
  until(cond: () => boolean, what: string, withinMs?: number): Promise<void>;
  settle(): Promise<void>;
  close(): Promise<void>;
}

const resource = (plural: string) =>
  findResource(plural === 'leases' ? 'coordination.k8s.io' : '', plural)!;

export async function fixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'wisp-distributor-'));
  const clock = new FakeClock({ nowMs: startMs });
  const random = seededRandom(11);
  const store = new MemoryStore();
  const admission = [nodeRestrictionAdmission];
  const registry = createRegistry({}, { store, clock, random, admission });
  const ca: ClusterCa = await loadOrCreateCa(dir, { clock, random, commonName: 'wisp-ca' });
  const revoked = new Set<string>();
  const revocationListeners = new Set<(r: NodeRevocation) => void>();
  const revocations = {
    isRevoked: (n: string) => revoked.has(n),
    onRevoked(l: (r: NodeRevocation) => void) {
      revocationListeners.add(l);
      return () => void revocationListeners.delete(l);
    },
  };
  const trust = createNodeTrust({ caPem: ca.certPem }, { clock, revocations });
  const peers = createNodePeers({}, { trust });
  const net = new MemoryNetwork({}, { clock, random });
  const cp = net.node({ allowedTopics: topics, verifyPeer: peers.verifyPeer, certPem: 'cp' });
  cp.start();
  const signing = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(3));
  const signingKey = { keyId: signingKeyId(signing.publicKey), secretKey: signing.secretKey };
  const authorizer = createNodeAuthorizer({ graph: registryNodeGraph(registry) });
  const agents: MemoryGossip[] = [];
  const make = () =>
    createDistributor(
      { debounceMs: 20 },
      { registry, clock, random, gossip: cp, signingKey, peers, authorizer, revocations },
    );

  const f: Fixture = {
    clock,
    random,
    store,
    registry,
    net,
    cp,
    peers,
    signingPublicKey: signing.publicKey,
    signingKeyId: signingKey.keyId,
    trusted: (id) => (id === signingKey.keyId ? signing.publicKey : undefined),
    openDesired: (bytes) => openWireMessage(bytes, f.trusted, 'NodeDesired'),
    revoked,
    distributor: make(),
    async startDistributor() {
      f.distributor = make();
      await f.distributor.start();
      await f.settle();
      return f.distributor;
    },
    revoke(nodeName) {
      revoked.add(nodeName);
      for (const l of revocationListeners) l({ nodeName, revokedAtMs: clock.now() });
    },
    async agent(nodeName, seed, options = {}) {
      const sign = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(seed));
      const box = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(seed + 100));
      const certPem = await issueNodeCertificate(ca, {
        nodeName,
        ed25519PublicKey: sign.publicKey,
        x25519PublicKey: box.publicKey,
        podCidr: `10.42.${seed}.0/24`,
        site,
      });
      const peerId = peerIdFromEd25519(sign.publicKey);
      const gossip = net.node({ peerId, certPem, allowedTopics: topics, ...options });
      gossip.start();
      agents.push(gossip);
      const received: Uint8Array[] = [];
      gossip.subscribe(siteTopic(site));
      gossip.onMessage(siteTopic(site), (bytes) =>
        received.push(
          ...siteDocuments(bytes, (id) =>
            id === signingKey.keyId ? signing.publicKey : undefined,
          ),
        ),
      );
      net.link(cp, gossip);
      await f.until(() => cp.peers().includes(peerId), `${nodeName} admitted`);
      const signKey = { keyId: signingKeyId(sign.publicKey), secretKey: sign.secretKey };
      return { nodeName, gossip, boxSecretKey: box.secretKey, signKey, received };
    },
    create: (plural, obj) => registry.create(resource(plural), obj.metadata.namespace, obj),
    async seedNodes(namespaces = ['default', 'kube-node-lease']) {
      for (const name of namespaces) {
        await f.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      }
      await f.create('nodes', nodeObject('edge-a'));
      await f.create('nodes', nodeObject('edge-b'));
    },
    async until(cond, what, withinMs = 10_000) {
      for (let waited = 0; !cond(); waited += 10) {
        if (waited >= withinMs) throw new Error(`${what}: not within ${withinMs} ms`);
        await clock.advanceAsync(10);
      }
    },
    async settle() {
      // Let informer watches deliver, then the debounce and the workers run.
      await clock.advanceAsync(10);
      await f.until(() => f.distributor.idle(), 'distributor idle');
      await clock.advanceAsync(10);
    },
    async close() {
      await f.distributor.stop();
      for (const a of agents) a.stop();
      cp.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return f;
}

export function nodeObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'topology.kubernetes.io/zone': site } },
  };
}

/** The `web` Service (selector app: web, port 80) the distributor tests carry to agents. */
export function webService(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  } as KubeObject;
}

export function podObject(
  name: string,
  nodeName: string,
  refs: { secret?: string; configMap?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName,
      containers: [
        {
          name: 'c',
          image: 'example/app:1',
          envFrom: refs.configMap ? [{ configMapRef: { name: refs.configMap } }] : [],
        },
      ],
      volumes: refs.secret ? [{ name: 's', secret: { secretName: refs.secret } }] : [],
    },
  } as KubeObject;
}

/** The single-document envelopes a site-topic message carries (a batch unpacked). */
export function siteDocuments(bytes: Uint8Array, trusted: TrustedKeys): Uint8Array[] {
  const msg = openSiteMessage(bytes, trusted);
  return msg.kind === 'DesiredBatch' ? msg.batch.entries.map((e) => e.bytes) : [bytes];
}
