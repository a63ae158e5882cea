/**
 * The mesh with real libp2p in one process: agents' meshes tunnel a service call across nodes
 * over `/wisp/v1/mesh/tcp` streams — directly to agents they never met, at the addresses the
 * control plane learnt from identify, and through a relay when the direct route is blocked —
 * serve NodePorts, enforce NetworkPolicy on the destination side, and stop sending to an
 * endpoint that turned not-ready mid-stream with a bounded count of failed requests.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { MeshDocument } from '@wisp/agent/mesh/mesh-state.ts';
import { createMeshOutgoingPolicy } from '@wisp/agent/mesh/outgoing-policy.ts';
import {
  closeServer,
  meshCluster,
  podBackend,
  type MeshCluster,
  type MeshNode,
} from '@wisp/bench/mesh-nodes.ts';

const backendPort = 18_080;
const nodePort = 30_000 + (process.pid % 2000);

const hello: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'hello', namespace: 'default' },
  spec: {
    type: 'NodePort',
    clusterIP: '10.43.0.10',
    ports: [{ name: 'http', port: 80, targetPort: backendPort, nodePort, protocol: 'TCP' }],
  },
};

function helloEndpoints(
  ready: [string, string, string][],
  notReady: [string, string, string][] = [],
) {
  const address = ([ip, nodeName, name]: [string, string, string]) => ({
    ip,
    nodeName,
    targetRef: { kind: 'Pod', namespace: 'default', name },
  });
  const ep: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'hello', namespace: 'default' },
    subsets: [
      {
        addresses: ready.map(address),
        notReadyAddresses: notReady.map(address),
        ports: [{ name: 'http', port: backendPort, protocol: 'TCP' }],
      },
    ],
  };
  return ep;
}

function pod(name: string, nodeName: string, labels: Record<string, string>, ns = 'default'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { nodeName, containers: [{ name: 'c', image: 'x' }] },
  };
}

function doc(
  node: MeshNode,
  endpoints: Endpoints,
  peers: MeshNode[],
  extra: Partial<MeshDocument> = {},
): MeshDocument {
  return {
    nodeName: node.name,
    pods: [],
    services: [hello],
    endpoints: [endpoints],
    meshPeers: peers.map((p) => ({ nodeName: p.name, peerId: p.gossip.peerId, addresses: [] })),
    namespaces: [
      { name: 'default', labels: {} },
      { name: 'blocked', labels: { team: 'blocked' } },
    ],
    ...extra,
  };
}

/** Admits callers from namespaces without a `team` label: `blocked` has one. */
const denyTeams: NetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'only-default', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { app: 'hello' } },
    ingress: [
      {
        from: [
          {
            namespaceSelector: {
              matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }],
            },
          },
        ],
      },
    ],
  },
};

async function eventually(cond: () => boolean, withinMs: number, what: string) {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > withinMs) assert.fail(`${what}: not within ${withinMs} ms`);
    await sleep(20);
  }
}

function get(host: string, port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function link(a: MeshNode, b: MeshNode) {
  await a.gossip.dial(b.gossip.addresses()[0]);
  await eventually(
    () => a.gossip.peers().includes(b.gossip.peerId) && b.gossip.peers().includes(a.gossip.peerId),
    5000,
    'admission',
  );
}

/** `GET http://hello/` from a wasm pod with IP `ip` on `caller`, through its outgoing policy. */
async function getHelloFrom(caller: MeshNode, ip: string): Promise<string> {
  const outgoing = createMeshOutgoingPolicy(caller.mesh, { namespace: 'default', name: 'c', ip });
  const res = await outgoing({
    method: 'GET',
    url: 'http://hello/',
    headers: [],
    body: new Uint8Array(),
  });
  return Buffer.from(res.body).toString();
}

describe('mesh over libp2p', { timeout: 60_000 }, () => {
  let cluster: MeshCluster;
  let n1: MeshNode;
  let n2: MeshNode;
  const backends: http.Server[] = [];

  before(async () => {
    cluster = await meshCluster();
    n1 = await cluster.node('n1', 1);
    n2 = await cluster.node('n2', 2);
    await link(n1, n2);
    backends.push(await podBackend('10.42.2.2', backendPort, 'hello-a'));
    backends.push(await podBackend('10.42.2.3', backendPort, 'hello-b'));
  });

  after(async () => {
    await Promise.all(backends.map(closeServer));
    await cluster.close();
  });

  const podsOnN2 = [pod('hello-a', 'n2', { app: 'hello' }), pod('hello-b', 'n2', { app: 'hello' })];
  const twoReady = () =>
    helloEndpoints([
      ['10.42.2.2', 'n2', 'hello-a'],
      ['10.42.2.3', 'n2', 'hello-b'],
    ]);

  it('calls a service by DNS name and ClusterIP from a pod on another node', async () => {
    await n1.mesh.setDesired(doc(n1, twoReady(), [n2]));
    await n2.mesh.setDesired(doc(n2, twoReady(), [n1], { pods: podsOnN2 }));
    const client = { namespace: 'default', name: 'client', ip: '10.42.1.5', labels: {} };
    const outgoing = createMeshOutgoingPolicy(n1.mesh, client);
    const names = new Set<string>();
    for (const url of ['http://hello.default.svc.cluster.local/', 'http://10.43.0.10/']) {
      for (let i = 0; i < 2; i++) {
        const res = await outgoing({ method: 'GET', url, headers: [], body: new Uint8Array() });
        assert.equal(res.status, 200);
        names.add(Buffer.from(res.body).toString());
      }
    }
    assert.deepEqual([...names].sort(), ['hello-a', 'hello-b'], 'round robin reached both pods');
    await assert.rejects(
      outgoing({ method: 'GET', url: 'http://example.com/', headers: [], body: new Uint8Array() }),
      (e: { code?: string }) => e.code === 'ERR_FORBIDDEN',
    );
    assert.match(
      n1.mesh.metricsText(),
      /wisp_mesh_connections_total\{namespace="default",service="hello"\} \d+/,
    );
  });

  it('serves the NodePort on every node and reaches pods wherever they run', async () => {
    await eventually(() => n1.mesh.nodePorts().includes(nodePort), 5000, 'the NodePort listener');
    const names = new Set<string>();
    for (const node of [n1, n2]) {
      for (let i = 0; i < 2; i++) {
        const res = await get(`127.0.1.${node === n1 ? 1 : 2}`, nodePort);
        assert.equal(res.status, 200);
        names.add(res.body);
      }
    }
    assert.deepEqual([...names].sort(), ['hello-a', 'hello-b']);
  });

  it('denies a caller whose namespace a NetworkPolicy does not admit', async () => {
    await n2.mesh.setDesired(
      doc(n2, twoReady(), [n1], { pods: podsOnN2, networkPolicies: [denyTeams] }),
    );
    const request = {
      method: 'GET',
      url: 'http://hello.default/',
      headers: [],
      body: new Uint8Array(),
    };
    const allowed = createMeshOutgoingPolicy(n1.mesh, {
      namespace: 'default',
      name: 'c',
      ip: '10.42.1.5',
    });
    assert.equal((await allowed(request)).status, 200);
    const blocked = createMeshOutgoingPolicy(n1.mesh, {
      namespace: 'blocked',
      name: 'c',
      ip: '10.42.1.6',
    });
    await assert.rejects(blocked(request), (e: { code?: string }) => e.code === 'ERR_FORBIDDEN');
    // A node cannot claim another node's pod as the source.
    const forged = createMeshOutgoingPolicy(n1.mesh, {
      namespace: 'default',
      name: 'c',
      ip: '10.42.2.9',
    });
    await assert.rejects(forged(request), (e: { code?: string }) => e.code === 'ERR_FORBIDDEN');
    await n2.mesh.setDesired(doc(n2, twoReady(), [n1], { pods: podsOnN2 }));
  });

  it('keeps a tunnel for the next call, and closes it once a NetworkPolicy there denies the caller', async () => {
    await n1.mesh.setDesired(doc(n1, twoReady(), [n2]));
    await n2.mesh.setDesired(doc(n2, twoReady(), [n1], { pods: podsOnN2 }));
    const outgoing = createMeshOutgoingPolicy(n1.mesh, {
      namespace: 'blocked',
      name: 'keeper',
      ip: '10.42.1.8',
    });
    const request = {
      method: 'GET',
      url: 'http://hello.default/',
      headers: [],
      body: new Uint8Array(),
    };
    const opened = () => n1.mesh.metrics.snapshot('default/hello')?.connections ?? 0;
    n1.mesh.outgoing.flush(); // earlier tests' callers keep theirs
    const before = opened();
    const names = [];
    for (let i = 0; i < 6; i++) names.push(Buffer.from((await outgoing(request)).body).toString());
    assert.deepEqual(new Set(names), new Set(['hello-a', 'hello-b']), 'round robin per request');
    assert.equal(opened() - before, 2, 'one tunnel per endpoint, kept for the next calls');
    assert.equal(n1.mesh.outgoing.idleCount(), 2);
    // A new state that still admits them keeps them; one whose endpoint went not-ready closes.
    await n1.mesh.setDesired(doc(n1, twoReady(), [n2], { pods: [pod('other', 'n1', {})] }));
    assert.equal(n1.mesh.outgoing.idleCount(), 2, 'kept across an unrelated change');
    const onlyB = helloEndpoints(
      [['10.42.2.3', 'n2', 'hello-b']],
      [['10.42.2.2', 'n2', 'hello-a']],
    );
    await n1.mesh.setDesired(doc(n1, onlyB, [n2]));
    await eventually(() => n1.mesh.outgoing.idleCount() === 1, 2000, 'hello-a closed');
    await n1.mesh.setDesired(doc(n1, twoReady(), [n2]));
    // A caller on n2 keeps local connections to the pods there.
    n2.mesh.outgoing.flush();
    const local = createMeshOutgoingPolicy(n2.mesh, {
      namespace: 'blocked',
      name: 'local',
      ip: '10.42.2.8',
    });
    assert.equal((await local(request)).status, 200);
    await eventually(() => n2.mesh.outgoing.idleCount() === 1, 2000, 'a kept local connection');
    // Only n2 learns of the policy (it selects n2's pods): n2 closes the kept tunnels from n1,
    // and its own pool the local connection the policy no longer admits.
    await n2.mesh.setDesired(
      doc(n2, twoReady(), [n1], { pods: podsOnN2, networkPolicies: [denyTeams] }),
    );
    // Well within the pool's 4 s idle limit, which would close them too.
    await eventually(() => n1.mesh.outgoing.idleCount() === 0, 2000, 'the kept tunnels closed');
    await eventually(() => n2.mesh.outgoing.idleCount() === 0, 2000, 'the local one closed');
    await assert.rejects(outgoing(request), (e: { code?: string }) => e.code === 'ERR_FORBIDDEN');
    await assert.rejects(local(request), (e: { code?: string }) => e.code === 'ERR_FORBIDDEN');
    await n2.mesh.setDesired(doc(n2, twoReady(), [n1], { pods: podsOnN2 }));
  });

  it('stops sending to an endpoint that turned not-ready, with a bounded failure count', async () => {
    let failures = 0;
    let ok = 0;
    const seen: string[] = [];
    let stop = false;
    const concurrency = 4;
    const loops = Array.from({ length: concurrency }, async () => {
      while (!stop) {
        try {
          const res = await get('127.0.1.1', nodePort);
          if (res.status === 200) {
            ok++;
            seen.push(res.body);
          } else failures++;
        } catch {
          failures++;
        }
      }
    });
    await sleep(300);
    const oneReady = helloEndpoints(
      [['10.42.2.3', 'n2', 'hello-b']],
      [['10.42.2.2', 'n2', 'hello-a']],
    );
    await n1.mesh.setDesired(doc(n1, oneReady, [n2]));
    await n2.mesh.setDesired(doc(n2, oneReady, [n1], { pods: podsOnN2 }));
    const cut = seen.length;
    await closeServer(backends[0]);
    await sleep(500);
    stop = true;
    await Promise.all(loops);
    const after = seen.slice(cut + concurrency);
    console.log(`readiness removal: ${ok} ok, ${failures} failed (bound ${concurrency})`);
    assert.ok(failures <= concurrency, `at most the in-flight requests fail: ${failures}`);
    assert.ok(after.length > 0 && after.every((b) => b === 'hello-b'), 'only the ready pod after');
  });
});

/** Waits until `hub` learnt from identify where `node` listens; those addresses. */
async function learntAddresses(hub: MeshNode, node: MeshNode): Promise<string[]> {
  const peerId = node.gossip.peerId;
  await eventually(() => hub.gossip.peerAddresses(peerId).length > 0, 5000, 'identify');
  return hub.gossip.peerAddresses(peerId);
}

describe('mesh over a direct route the control plane told of', { timeout: 60_000 }, () => {
  it('reaches a pod on an agent it never met over a direct connection, not the relay', async () => {
    const cluster = await meshCluster(11);
    try {
      // Stands in for the control plane: every agent connects to it, it relays for them, and
      // identify told it where each listens — what the distributor puts in `meshPeers`.
      const hub = await cluster.node('hub', 6, { gossip: { relayServer: true } });
      const hubAddr = hub.gossip.addresses()[0];
      // Every interface: identify reports each, loopback and the wildcard's expansion included.
      const target = await cluster.node('far', 7, { gossip: { listen: ['/ip4/0.0.0.0/tcp/0'] } });
      const dialled: string[] = [];
      const caller = await cluster.node('near', 8, {
        gossip: { dialFilter: (a) => (dialled.push(a), true) },
        mesh: { relays: [hubAddr] },
      });
      await link(caller, hub);
      await link(target, hub);
      const addresses = await learntAddresses(hub, target);
      const peerId = target.gossip.peerId;
      assert.ok(addresses.every((a) => a.endsWith(`/p2p/${peerId}`) && !a.includes('/0.0.0.0/')));
      assert.ok(!addresses.some((a) => a.includes('/p2p-circuit')));
      const loopbackAt = addresses.findIndex((a) => a.startsWith('/ip4/127.'));
      assert.ok(loopbackAt >= 0, `a loopback address among ${addresses.join(' ')}`);
      assert.ok(
        addresses.slice(loopbackAt).every((a) => a.startsWith('/ip4/127.')),
        `loopback last: ${addresses.join(' ')}`,
      );
      assert.ok(!caller.gossip.peers().includes(peerId), 'not connected before');

      const backend = await podBackend('10.42.7.2', backendPort, 'far-pod');
      try {
        const eps = helloEndpoints([['10.42.7.2', 'far', 'far-pod']]);
        const meshPeers = [{ nodeName: 'far', peerId, addresses }];
        await caller.mesh.setDesired(doc(caller, eps, [target], { meshPeers }));
        const farPods = [pod('far-pod', 'far', { app: 'hello' })];
        await target.mesh.setDesired(doc(target, eps, [caller], { pods: farPods }));
        assert.equal(await getHelloFrom(caller, '10.42.8.2'), 'far-pod');
        assert.ok(caller.gossip.peers().includes(peerId), 'admitted');
        const toTarget = dialled.filter((a) => a.includes(peerId));
        assert.ok(toTarget.length > 0, `dialled the target: ${dialled.join(' ')}`);
        assert.deepEqual(
          toTarget.filter((a) => a.includes('/p2p-circuit')),
          [],
          'no relayed route was tried',
        );
      } finally {
        await closeServer(backend);
      }
    } finally {
      await cluster.close();
    }
  });
});

describe('mesh through a relay', { timeout: 60_000 }, () => {
  it('reaches a pod on a node it has no direct route to, through a relay peer', async () => {
    const cluster = await meshCluster(9);
    const blocked: string[] = [];
    try {
      const relay = await cluster.node('relay', 3, { gossip: { relayServer: true } });
      const relayAddr = relay.gossip.addresses()[0];
      const relayTcp = relayAddr.split('/p2p/')[0];
      const target = await cluster.node('far', 4, {
        gossip: {
          listen: ['/ip4/127.0.0.1/tcp/0', '/p2p-circuit'],
          bootstrap: [relayAddr],
          dialFilter: (a) => a.startsWith(relayTcp) && !a.includes('/p2p-circuit'),
        },
      });
      blocked.push(
        ...target.gossip
          .addresses()
          .filter((a) => !a.includes('/p2p-circuit'))
          .map((a) => a.split('/p2p/')[0]),
      );
      const caller = await cluster.node('near', 5, {
        gossip: { dialFilter: (a) => !blocked.some((b) => a.startsWith(b)) },
        mesh: { relays: [relayAddr] },
      });
      await link(caller, relay);
      await eventually(
        () => target.gossip.addresses().some((a) => a.includes('/p2p-circuit')),
        10_000,
        'a reservation on the relay',
      );
      const backend = await podBackend('10.42.4.2', backendPort, 'far-pod');
      try {
        const eps = helloEndpoints([['10.42.4.2', 'far', 'far-pod']]);
        const farPods = [pod('far-pod', 'far', { app: 'hello' })];
        // The document names the far node's own addresses too; they are unreachable from here,
        // so the caller must get past them to the relay within its connect timeout.
        const addresses = await learntAddresses(relay, target);
        assert.ok(addresses.some((a) => blocked.some((b) => a.startsWith(b))));
        const meshPeers = [{ nodeName: 'far', peerId: target.gossip.peerId, addresses }];
        await caller.mesh.setDesired({
          ...doc(caller, eps, [target], { meshPeers }),
          nodeName: 'near',
        });
        await target.mesh.setDesired({
          ...doc(target, eps, [caller], { pods: farPods }),
          nodeName: 'far',
        });
        assert.equal(await getHelloFrom(caller, '10.42.5.2'), 'far-pod');
        assert.ok(
          caller.gossip.peers().includes(target.gossip.peerId),
          'admitted over the circuit',
        );
      } finally {
        await closeServer(backend);
      }
    } finally {
      await cluster.close();
    }
  });
});
