/**
 * Mesh overhead: added latency (p50/p99, sequential keep-alive requests) and max req/s
 * (concurrent keep-alive clients) through the mesh — same node (NodePort → local pod) and cross
 * node (NodePort → libp2p stream → the other agent → pod, two agents' meshes with real libp2p on
 * loopback) — against direct loopback HTTP to the same bare node:http backend, in one run.
 * Targets: p50 added ≤ 1 ms same-node, ≤ 3 ms cross-node; throughput ≥ 0.5× direct.
 *
 *   npm run bench:mesh-overhead
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { MeshDocument } from '@wisp/agent/mesh/mesh-state.ts';
import { closeServer, meshCluster, podBackend, type MeshNode } from './mesh-nodes.ts';
import { percentile } from './stats.ts';

const backendPort = 18_090;
const nodePort = 32_000 + (process.pid % 700);
const latencyRequests = Number(process.env.MESH_BENCH_REQUESTS ?? 2000);
const throughputMs = Number(process.env.MESH_BENCH_MS ?? 2000);
const concurrency = 16;

const service: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'bench', namespace: 'default' },
  spec: {
    type: 'NodePort',
    clusterIP: '10.43.0.20',
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
          ip: '10.42.2.2',
          nodeName: 'n2',
          targetRef: { kind: 'Pod', namespace: 'default', name: 'b' },
        },
      ],
      ports: [{ name: 'http', port: backendPort, protocol: 'TCP' }],
    },
  ],
};

function request(agent: http.Agent, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function measure(name: string, host: string, port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  for (let i = 0; i < 50; i++) await request(agent, host, port);
  const times: number[] = [];
  for (let i = 0; i < latencyRequests; i++) {
    const t0 = performance.now();
    await request(agent, host, port);
    times.push(performance.now() - t0);
  }
  let done = 0;
  const end = performance.now() + throughputMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await request(agent, host, port);
        done++;
      }
    }),
  );
  agent.destroy();
  return {
    name,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    rps: (done * 1000) / throughputMs,
  };
}

async function main(): Promise<void> {
  const cluster = await meshCluster(11);
  const n1: MeshNode = await cluster.node('n1', 1);
  const n2: MeshNode = await cluster.node('n2', 2);
  const backend = await podBackend('10.42.2.2', backendPort, 'b');
  try {
    await n1.gossip.dial(n2.gossip.addresses()[0]);
    while (!n1.gossip.peers().includes(n2.gossip.peerId)) await new Promise((r) => setImmediate(r));
    const doc = (node: MeshNode, peer: MeshNode): MeshDocument => ({
      nodeName: node.name,
      pods: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'b', namespace: 'default' },
          spec: { nodeName: 'n2', containers: [] },
        } satisfies Pod,
      ],
      services: [service],
      endpoints: [endpoints],
      meshPeers: [{ nodeName: peer.name, peerId: peer.gossip.peerId, addresses: [] }],
    });
    await n1.mesh.setDesired(doc(n1, n2));
    await n2.mesh.setDesired(doc(n2, n1));
    const direct = await measure('direct loopback', '127.42.2.2', backendPort);
    const same = await measure('mesh same-node', '127.0.1.2', nodePort);
    const cross = await measure('mesh cross-node', '127.0.1.1', nodePort);
    console.log('path               p50 ms  p99 ms   req/s   added p50  added p99  rps ratio');
    for (const r of [direct, same, cross]) {
      const row = [
        r.name.padEnd(17),
        r.p50.toFixed(3).padStart(7),
        r.p99.toFixed(3).padStart(7),
        r.rps.toFixed(0).padStart(7),
        (r.p50 - direct.p50).toFixed(3).padStart(10),
        (r.p99 - direct.p99).toFixed(3).padStart(10),
        (r.rps / direct.rps).toFixed(2).padStart(10),
      ];
      console.log(row.join(' '));
    }
    const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');
    console.log(
      `targets: same-node p50 added ≤ 1 ms ${verdict(same.p50 - direct.p50 <= 1)}, ` +
        `cross-node ≤ 3 ms ${verdict(cross.p50 - direct.p50 <= 3)}, ` +
        `throughput ≥ 0.5× ${verdict(same.rps >= direct.rps / 2 && cross.rps >= direct.rps / 2)}`,
    );
  } finally {
    await closeServer(backend);
    await cluster.close();
  }
}

await main();
