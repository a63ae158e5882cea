/**
 * bench/gossip-fanout: a ConfigMap that every node's pod uses is updated in the store; the real
 * distributor (in an in-process control plane, no other controllers) signs a new NodeDesired for
 * every node and publishes it on the site topic; N agent libp2p nodes on 127.0.0.1, each running
 * the agent's real DesiredSync, verify and apply it. Measured: store write → each agent applied
 * its new document. The baseline in the same run sends the very same signed documents straight to
 * each agent, one request stream per agent (all in flight at once), into a second DesiredSync.
 *
 * Everything shares one event loop, as separate machines would not, unless `--agent-processes N`
 * puts the agents in N child processes (the control plane stays here). The distributor sends a
 * round's documents as one signed batch per site, so each agent checks two signatures per round
 * (the batch and its own document) rather than one per node of its site.
 *
 *   node bench/src/gossip-fanout.ts --agents 10,50 --rounds 20 [--agent-processes 2]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import nacl from 'tweetnacl';
import type { KubeObject } from '@wisp/api/meta.ts';
import { findResource } from '@wisp/api/resources.ts';
import { clusterTopic, siteTopic } from '@wisp/api/wire/messages.ts';
import { systemClock, systemRandom, type Gossip, type NetworkGossip } from '@wisp/core';
import { createControlPlane, type ControlPlane } from '@wisp/controlplane/control-plane.ts';
import { createControlPlaneGossip } from '@wisp/controlplane/p2p/libp2p-adapter.ts';
import { zoneLabel } from '@wisp/controlplane/distributor/distributor.ts';
import { loadOrCreateControlPlaneIdentity } from '@wisp/controlplane/join/control-plane-identity.ts';
import { issueNodeCertificate } from '@wisp/controlplane/pki/node-cert.ts';
import { openSqliteStore } from '@wisp/controlplane/store/sqlite-store.ts';
import {
  spawnFanoutAgents,
  startFanoutAgents,
  type ArrivalKind,
  type FanoutAgentSpec,
  type FanoutAgents,
  type FanoutContext,
} from './fanout-agents.ts';
import { percentile, runPool } from './stats.ts';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '10,50' },
    rounds: { type: 'string', default: '10' },
    'warm-up-rounds': { type: 'string', default: '2' },
    /** One round (either path) gives up after this long. */
    'round-timeout-ms': { type: 'string', default: '60000' },
    /** Run the agents in this many child processes instead of the bench's own. */
    'agent-processes': { type: 'string', default: '0' },
  },
});
const agentCounts = values.agents!.split(',').map(Number);
const rounds = Number(values.rounds);
const warmUpRounds = Number(values['warm-up-rounds']);
const roundTimeoutMs = Number(values['round-timeout-ms']);
const agentProcesses = Number(values['agent-processes']);
const p99TargetMs = 250;
const site = 'bench';
const directProtocol = '/wisp/bench/direct/1.0.0';
const loopback = ['/ip4/127.0.0.1/tcp/0'];
const clock = systemClock();
const random = systemRandom();
const NODES = findResource('', 'nodes')!;
const PODS = findResource('', 'pods')!;
const CONFIGMAPS = findResource('', 'configmaps')!;

/** Arrival times of one round, resolved once every agent has its document. */
class Round {
  readonly arrivals = new Map<string, number>();
  readonly done = Promise.withResolvers<void>();
  readonly startedMs = clock.monotonic();
  readonly expected: number;
  firstPublishMs: number | undefined;
  constructor(expected: number) {
    this.expected = expected;
  }
  arrived(nodeName: string, atMs: number): void {
    if (this.arrivals.has(nodeName)) return;
    this.arrivals.set(nodeName, atMs);
    if (this.arrivals.size === this.expected) this.done.resolve();
  }
  latencies(): number[] {
    return [...this.arrivals.values()].map((t) => t - this.startedMs);
  }
}

let gossipRound: Round | undefined;
let directRound: Round | undefined;

function nodeObject(name: string): KubeObject {
  const resources = { cpu: '4', memory: '8Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { [zoneLabel]: site, 'kubernetes.io/hostname': name } },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
    },
  };
}

function podOn(nodeName: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `app-${nodeName}`, namespace: 'default', labels: { app: 'fanout' } },
    spec: {
      nodeName,
      containers: [
        {
          name: 'app',
          image: 'registry.local/app:1',
          envFrom: [{ configMapRef: { name: 'shared' } }],
          resources: { requests: { cpu: '100m', memory: '64Mi' } },
        },
      ],
    },
  };
}

function sharedConfigMap(round: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'shared', namespace: 'default' },
    // About 1 KiB, a typical small application config.
    data: { round: String(round), 'app.conf': 'x'.repeat(1024) },
  };
}

/** Records when the distributor first hands a document of the current round to gossip. */
function recordingPublish(g: NetworkGossip): Gossip {
  return new Proxy(g, {
    get(target, prop) {
      if (prop === 'publish') {
        return (topic: string, data: Uint8Array) => {
          if (gossipRound && gossipRound.firstPublishMs === undefined) {
            gossipRound.firstPublishMs = clock.monotonic();
          }
          return target.publish(topic, data);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

interface Cluster {
  readonly cp: ControlPlane;
  readonly server: NetworkGossip;
  readonly signingKey: FanoutContext['signingKey'];
  readonly dir: string;
}

async function startCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'wisp-bench-fanout-'));
  const store = openSqliteStore({ path: join(dir, 'state.db'), clock });
  let server: NetworkGossip | undefined;
  let signingKey: FanoutContext['signingKey'] | undefined;
  const cp: ControlPlane = createControlPlane(
    { dataDir: dir, port: 0, controllers: false },
    {
      clock,
      random,
      store,
      gossip: async (p2p) => {
        const key = p2p.nodeJoin.signingKey;
        signingKey = { keyId: key.keyId, publicKey: key.publicKey };
        const id = await loadOrCreateControlPlaneIdentity(join(dir, 'pki'), {
          ca: cp.ca(),
          random,
        });
        server = createControlPlaneGossip(
          {
            nodeKey: id.ed25519Seed,
            certPem: id.certPem,
            allowedTopics: [clusterTopic, siteTopic(''), siteTopic(site)],
            listen: loopback,
          },
          { clock, random, verifyPeer: p2p.verifyPeer },
        );
        return recordingPublish(server);
      },
    },
  );
  await cp.start();
  return { cp, server: server!, signingKey: signingKey!, dir };
}

async function agentSpec(cluster: Cluster, i: number): Promise<FanoutAgentSpec> {
  const nodeName = nameOf(i);
  const nodeKey = random.bytes(32);
  const box = nacl.box.keyPair();
  const certPem = await issueNodeCertificate(cluster.cp.ca(), {
    nodeName,
    ed25519PublicKey: nacl.sign.keyPair.fromSeed(nodeKey).publicKey,
    x25519PublicKey: box.publicKey,
    podCidr: `10.42.${i}.0/24`,
    site,
  });
  return { nodeName, nodeKey, certPem, boxSecretKey: box.secretKey };
}

/** The newest document each agent's gossip-fed sync holds. */
const gossipRevisions = new Map<string, number>();

function onArrival(kind: ArrivalKind, nodeName: string, atMs: number, revision: number): void {
  if (kind === 'gossip') {
    gossipRevisions.set(nodeName, revision);
    gossipRound?.arrived(nodeName, atMs);
  } else {
    directRound?.arrived(nodeName, atMs);
  }
}

async function waitFor(what: string, cond: () => boolean, withinMs = 30_000): Promise<void> {
  const until = clock.monotonic() + withinMs;
  while (!cond()) {
    if (clock.monotonic() > until) throw new Error(`${what}: not within ${withinMs} ms`);
    await clock.sleep(20);
  }
}

/** Resolves true if the round completed, false if it timed out. */
async function finish(round: Round): Promise<boolean> {
  const stop = new AbortController();
  const completed = await Promise.race([
    round.done.promise.then(() => true),
    clock.sleep(roundTimeoutMs, stop.signal).then(
      () => false,
      () => true,
    ),
  ]);
  stop.abort();
  return completed;
}

interface Samples {
  readonly deliveries: number[];
  readonly allHeld: number[];
  readonly toFirstPublish: number[];
  timeouts: number;
}

const samples = (): Samples => ({ deliveries: [], allHeld: [], toFirstPublish: [], timeouts: 0 });

async function gossipOnce(cluster: Cluster, agents: FanoutAgents, n: number, s?: Samples) {
  const before = new Map(gossipRevisions);
  gossipRound = new Round(agents.peerIds.size);
  await cluster.cp.registry.modify(CONFIGMAPS, 'default', 'shared', () => sharedConfigMap(n));
  const ok = await finish(gossipRound);
  const round = gossipRound;
  gossipRound = undefined;
  for (const [name, rev] of before) {
    if ((gossipRevisions.get(name) ?? 0) <= rev) throw new Error(`${name}: no new revision`);
  }
  if (!s) return;
  if (!ok) s.timeouts++;
  s.deliveries.push(...round.latencies());
  if (ok) s.allHeld.push(Math.max(...round.latencies()));
  if (round.firstPublishMs !== undefined) {
    s.toFirstPublish.push(round.firstPublishMs - round.startedMs);
  }
}

async function directOnce(cluster: Cluster, agents: FanoutAgents, s?: Samples) {
  const distributor = cluster.cp.distributor()!;
  const targets = [...agents.peerIds].map(([name, peerId]) => ({
    peerId,
    doc: distributor.latest(name)!.bytes,
  }));
  directRound = new Round(targets.length);
  await Promise.all(targets.map((t) => cluster.server.request(t.peerId, directProtocol, t.doc)));
  const ok = await finish(directRound);
  const round = directRound;
  directRound = undefined;
  if (!s) return;
  if (!ok) s.timeouts++;
  s.deliveries.push(...round.latencies());
  if (ok) s.allHeld.push(Math.max(...round.latencies()));
}

async function runFor(agentCount: number): Promise<void> {
  const cluster = await startCluster();
  const { cp, server } = cluster;
  await cp.registry.create(CONFIGMAPS, 'default', sharedConfigMap(0));
  gossipRevisions.clear();
  let agents: FanoutAgents | undefined;
  try {
    for (let i = 0; i < agentCount; i++) {
      await cp.registry.create(NODES, undefined, nodeObject(nameOf(i)));
    }
    await runPool(agentCount, 16, (i) => cp.registry.create(PODS, 'default', podOn(nameOf(i))));
    const specs = await Promise.all(
      Array.from({ length: agentCount }, (_, i) => agentSpec(cluster, i)),
    );
    const ctx: FanoutContext = {
      site,
      dir: cluster.dir,
      caPem: cp.ca().certPem,
      serverPeerId: server.peerId,
      signingKey: cluster.signingKey,
      directProtocol,
    };
    agents =
      agentProcesses > 0
        ? await spawnFanoutAgents(agentProcesses, ctx, specs, onArrival)
        : await startFanoutAgents(ctx, specs, onArrival);
    await agents.dial(server.addresses()[0]);
    await waitFor('admission of every agent', () => server.peers().length === agentCount);
    await waitFor('every first document', () => gossipRevisions.size === agentCount);
    // gossipsub's mesh forms over a few heartbeats (1 s each, the production setting).
    await clock.sleep(3000);
    for (let r = 0; r < warmUpRounds; r++) {
      await gossipOnce(cluster, agents, -1 - r);
      await directOnce(cluster, agents);
    }
    const viaGossip = samples();
    const direct = samples();
    for (let r = 1; r <= rounds; r++) {
      await gossipOnce(cluster, agents, r, viaGossip);
      await directOnce(cluster, agents, direct);
    }
    report(agentCount, viaGossip, direct);
  } finally {
    await agents?.stop();
    await cp.stop();
    rmSync(cluster.dir, { recursive: true, force: true });
  }
}

function nameOf(i: number): string {
  return `edge-${String(i).padStart(3, '0')}`;
}

function report(agentCount: number, viaGossip: Samples, direct: Samples) {
  const pct = (v: number[], p: number) => percentile(v, p).toFixed(1);
  const line = (what: string, s: Samples) =>
    console.log(
      `${what} per agent ms p50 ${pct(s.deliveries, 50)}  p99 ${pct(s.deliveries, 99)}   ` +
        `all ${agentCount} held ms p50 ${pct(s.allHeld, 50)}  p99 ${pct(s.allHeld, 99)}` +
        (s.timeouts ? `  TIMEOUTS ${s.timeouts}` : ''),
    );
  const where = agentProcesses > 0 ? `${agentProcesses} agent processes` : 'one process';
  console.log(`bench/gossip-fanout  agents=${agentCount} rounds=${rounds} (${where})`);
  line('store write → gossip  :', viaGossip);
  line('direct stream per agent:', direct);
  const ratio = (p: number) =>
    (percentile(viaGossip.deliveries, p) / percentile(direct.deliveries, p)).toFixed(2);
  console.log(`ratio gossip / direct  : p50 ${ratio(50)}  p99 ${ratio(99)}`);
  console.log(
    `write → first publish  : p50 ${pct(viaGossip.toFirstPublish, 50)} ms  ` +
      `p99 ${pct(viaGossip.toFirstPublish, 99)} ms (informer + debounce + signing)`,
  );
  const p99 = percentile(viaGossip.deliveries, 99);
  console.log(
    `target                 : p99 ${p99.toFixed(1)} ms vs <= ${p99TargetMs} ms ` +
      `${p99 <= p99TargetMs ? 'MET' : 'MISSED'}`,
  );
}

for (const n of agentCounts) await runFor(n);
