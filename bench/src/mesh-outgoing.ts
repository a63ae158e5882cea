/**
 * A pod's outgoing HTTP through the mesh: what a wasm pod's `wasi:http` request to a service
 * costs (the agent's `createMeshOutgoingPolicy`, the function the wasm runtime calls), same node
 * and cross node, against a plain node:http client calling the same bare backend directly in
 * the same run — with a keep-alive agent and with a new connection per request.
 *
 * One process and one event loop hold the calling side, both agents and the backend, so req/s
 * is the whole chain's CPU cost per request. Each path runs `MESH_BENCH_ROUNDS` times (default
 * 3) in turn; the medians are printed, and each ratio is the median of the per-round ratios.
 *
 *   npm run bench:mesh-outgoing
 */
import http from 'node:http';
import { createMeshOutgoingPolicy } from '@wisp/agent/mesh/outgoing-policy.ts';
import { measureRequests, type LoadSpec, type MeasureResult } from './http-measure.ts';
import {
  benchDesired,
  closeServer,
  meshCluster,
  podBackend,
  type BenchService,
} from './mesh-nodes.ts';

const backendPort = 18_092;
const backendIp = '10.42.2.2';
const rounds = Number(process.env.MESH_BENCH_ROUNDS ?? 3);
const load: Omit<LoadSpec, 'name'> = {
  latencyRequests: Number(process.env.MESH_BENCH_REQUESTS ?? 1000),
  throughputMs: Number(process.env.MESH_BENCH_MS ?? 3000),
  concurrency: [16],
};

const bench: BenchService = { backendIp, backendPort, clusterIP: '10.43.0.21' };

function directGet(agent: http.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.42.2.2', port: backendPort, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

type Path = { readonly name: string; readonly send: () => Promise<unknown> };

async function main(): Promise<void> {
  const cluster = await meshCluster(13);
  const n1 = await cluster.node('n1', 1);
  const n2 = await cluster.node('n2', 2);
  const backend = await podBackend(backendIp, backendPort, 'b');
  const keepAlive = new http.Agent({ keepAlive: true });
  const fresh = new http.Agent({ keepAlive: false });
  try {
    await n1.gossip.dial(n2.gossip.addresses()[0]);
    while (!n1.gossip.peers().includes(n2.gossip.peerId)) await new Promise((r) => setImmediate(r));
    await n1.mesh.setDesired(benchDesired(bench, 'n1', { name: 'n2', peerId: n2.gossip.peerId }));
    await n2.mesh.setDesired(benchDesired(bench, 'n2', { name: 'n1', peerId: n1.gossip.peerId }));
    const caller = (node: typeof n1, ip: string) => {
      const outgoing = createMeshOutgoingPolicy(node.mesh, { namespace: 'default', name: 'c', ip });
      const req = { method: 'GET', url: 'http://bench/', headers: [], body: new Uint8Array() };
      return async () => {
        const res = await outgoing(req);
        if (res.status !== 200) throw new Error(`outgoing: status ${res.status}`);
      };
    };
    const paths: Path[] = [
      { name: 'direct, keep-alive', send: () => directGet(keepAlive) },
      { name: 'direct, new connection', send: () => directGet(fresh) },
      { name: 'pod → service, same node', send: caller(n2, '10.42.2.7') },
      { name: 'pod → service, cross node', send: caller(n1, '10.42.1.7') },
    ];
    const results: MeasureResult[][] = paths.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, path] of paths.entries()) {
        results[i].push(await measureRequests({ name: path.name, ...load }, path.send));
      }
    }
    report(paths, results);
  } finally {
    keepAlive.destroy();
    fresh.destroy();
    await closeServer(backend);
    await cluster.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(paths: Path[], results: MeasureResult[][]): void {
  const ratio = (i: number, base: number) =>
    median(results[i].map((r, round) => r.rps / results[base][round].rps));
  console.log(`pod → service HTTP through the mesh, one process, median of ${rounds} rounds`);
  console.log('path                         p50 ms  p99 ms    req/s  × keep-alive  × new conn');
  for (const [i, path] of paths.entries()) {
    const r = results[i];
    console.log(
      path.name.padEnd(28) +
        median(r.map((x) => x.p50))
          .toFixed(3)
          .padStart(7) +
        median(r.map((x) => x.p99))
          .toFixed(3)
          .padStart(8) +
        Math.round(median(r.map((x) => x.rps)))
          .toString()
          .padStart(9) +
        ratio(i, 0).toFixed(2).padStart(14) +
        ratio(i, 1).toFixed(2).padStart(12),
    );
  }
}

await main();
