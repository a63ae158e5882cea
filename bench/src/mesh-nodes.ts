/**
 * Real mesh nodes in one process for the mesh benchmark and integration test: a cluster CA,
 * agents with real libp2p (TCP, Noise, Yamux, relay) and certificates carrying their pod CIDRs,
 * each with its mesh, bare node:http backends on pod loopback addresses, and plain TCP relays.
 *
 *   const cluster = await meshCluster();
 *   const a = await cluster.node('n1', 1);
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import nacl from 'tweetnacl';
import {
  createAgentGossip,
  type AgentGossip,
  type AgentGossipInit,
} from '@wisp/agent/p2p/libp2p-adapter.ts';
import { createPeerTrust } from '@wisp/agent/bootstrap/peer-trust.ts';
import { createMesh, type Mesh, type MeshInit } from '@wisp/agent/mesh/mesh.ts';
import type { MeshDocument } from '@wisp/agent/mesh/mesh-state.ts';
import { createPeerBook, type PeerBook } from '@wisp/agent/mesh/peer-book.ts';
import { splice } from '@wisp/agent/mesh/socket-splice.ts';
import { podLoopback } from '@wisp/api/net/pod-loopback.ts';
import { loadOrCreateCa, type ClusterCa } from '@wisp/controlplane/pki/index.ts';
import { issueNodeCertificate } from '@wisp/controlplane/pki/node-cert.ts';
import { seededRandom, systemClock, type Random, type VerifyPeer } from '@wisp/core';

export interface MeshNode {
  readonly name: string;
  readonly gossip: AgentGossip;
  readonly book: PeerBook;
  readonly mesh: Mesh;
  readonly podCidr: string;
}

export interface MeshCluster {
  node(
    name: string,
    index: number,
    options?: { gossip?: Partial<AgentGossipInit>; mesh?: Partial<MeshInit> },
  ): Promise<MeshNode>;
  close(): Promise<void>;
}

/** What a mesh node needs from the cluster: its key and a certificate with its pod CIDR. */
export interface MeshIdentity {
  readonly name: string;
  readonly index: number;
  readonly nodeKey: Uint8Array;
  readonly certPem: string;
  readonly podCidr: string;
}

export interface MeshNodeOptions {
  readonly gossip?: Partial<AgentGossipInit>;
  readonly mesh?: Partial<MeshInit>;
}

const clock = systemClock();

/** Node `index` gets pod CIDR 10.42.<index>.0/24 and node IP 127.0.1.<index>. */
export async function issueMeshIdentity(
  ca: ClusterCa,
  random: Random,
  name: string,
  index: number,
): Promise<MeshIdentity> {
  const nodeKey = random.bytes(32);
  const podCidr = `10.42.${index}.0/24`;
  const certPem = await issueNodeCertificate(ca, {
    nodeName: name,
    ed25519PublicKey: nacl.sign.keyPair.fromSeed(nodeKey).publicKey,
    x25519PublicKey: random.bytes(32),
    podCidr,
    site: 'lab',
  });
  return { name, index, nodeKey, certPem, podCidr };
}

/**
 * Peer admission as a real agent does it (`createPeerTrust`): peers whose certificate the CA
 * signed. One per cluster or process, shared by its agents.
 */
export function agentVerifyPeer(caPem: string): VerifyPeer {
  const trust = createPeerTrust({ caPem }, { clock });
  return (cert, peer) => trust.isCertificateTrusted(cert, peer);
}

/** Starts an agent's libp2p node and mesh for `identity`, admitting the peers `verify` trusts. */
export async function startMeshNode(
  identity: MeshIdentity,
  verify: VerifyPeer,
  random: Random,
  options: MeshNodeOptions = {},
): Promise<MeshNode> {
  const book = createPeerBook();
  const gossip = createAgentGossip(
    {
      allowedTopics: ['/wisp/test/mesh/1'],
      listen: ['/ip4/127.0.0.1/tcp/0'],
      heartbeatIntervalMs: 100,
      ...options.gossip,
      nodeKey: identity.nodeKey,
      certPem: identity.certPem,
    },
    { clock, random, verifyPeer: book.verifyPeer(verify) },
  );
  await gossip.start();
  const mesh = createMesh(
    { nodeName: identity.name, nodeIp: `127.0.1.${identity.index}`, ...options.mesh },
    { gossip, clock, peers: book },
  );
  await mesh.start();
  return { name: identity.name, gossip, book, mesh, podCidr: identity.podCidr };
}

export async function stopMeshNode(node: MeshNode): Promise<void> {
  await node.mesh.stop();
  await node.gossip.stop();
}

export async function meshCluster(seed = 5): Promise<MeshCluster> {
  const random = seededRandom(seed);
  const dir = mkdtempSync(join(tmpdir(), 'wisp-mesh-'));
  const ca: ClusterCa = await loadOrCreateCa(dir, { clock, random, commonName: 'wisp-ca' });
  const verify = agentVerifyPeer(ca.certPem);
  const nodes: MeshNode[] = [];
  return {
    async node(name, index, options = {}) {
      const identity = await issueMeshIdentity(ca, random, name, index);
      const node = await startMeshNode(identity, verify, random, options);
      nodes.push(node);
      return node;
    },
    async close() {
      for (const n of nodes) await stopMeshNode(n);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bare HTTP backend on a pod's loopback address that answers with the pod's name. */
export async function podBackend(
  podIp: string,
  port: number,
  podName: string,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'text/plain');
      res.end(podName);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, podLoopback(podIp), resolve));
  return server;
}

export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface PlainRelay {
  close(): Promise<void>;
}

/**
 * A plain TCP relay: each connection to `listen` gets its own connection to `to`, joined by the
 * agent's own `splice` (Node's `pipe` both ways): no encryption, no multiplexing, Nagle off as on
 * the agents' sockets. Two in a row, where the agents run, are what two userspace proxies cost
 * without the mesh's Noise and Yamux: bench/mesh-overhead's ceiling for the cross-node path.
 */
export async function plainRelay(listen: HostPort, to: HostPort): Promise<PlainRelay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ ...to, noDelay: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    void splice(client, upstream);
  });
  await new Promise<void>((resolve) => server.listen(listen.port, listen.host, resolve));
  return {
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The one-backend service the mesh benchmarks call: `bench` in `default`, its pod `b` on n2. */
export interface BenchService {
  readonly backendIp: string;
  readonly backendPort: number;
  readonly clusterIP: string;
  /** Set: the service is a NodePort one, on this port. */
  readonly nodePort?: number;
}

/** The mesh document of `nodeName` for a `BenchService`, with `peer` its only mesh peer. */
export function benchDesired(
  bench: BenchService,
  nodeName: string,
  peer: { name: string; peerId: string },
): MeshDocument {
  const { backendIp, backendPort, clusterIP, nodePort } = bench;
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'bench', namespace: 'default' },
    spec: {
      ...(nodePort === undefined ? {} : { type: 'NodePort' }),
      clusterIP,
      ports: [{ name: 'http', port: 80, targetPort: backendPort, nodePort, protocol: 'TCP' }],
    },
  };
  const endpoints: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'bench', namespace: 'default' },
    subsets: [
      {
        addresses: [
          {
            ip: backendIp,
            nodeName: 'n2',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'b' },
          },
        ],
        ports: [{ name: 'http', port: backendPort, protocol: 'TCP' }],
      },
    ],
  };
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'b', namespace: 'default' },
    spec: { nodeName: 'n2', containers: [] },
  };
  return {
    nodeName,
    pods: [pod],
    services: [service],
    endpoints: [endpoints],
    meshPeers: [{ nodeName: peer.name, peerId: peer.peerId, addresses: [] }],
  };
}
