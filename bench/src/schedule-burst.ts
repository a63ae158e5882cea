/**
 * bench/schedule-burst: a burst of pods created through the apiserver (HTTPS, client
 * certificate, keep-alive, from a worker thread as in store-write) onto fake nodes, scheduled by
 * the in-process scheduler on the same SQLite store. Prints pods bound per second, the API
 * latency of the creates, and the raw store write rate measured in the same run, with the ratio
 * between them. Every pod costs four store writes (create, binding, PodScheduled condition,
 * Scheduled event).
 *
 * `--rules spread` gives the burst pods topology spread constraints (one per node with maxSkew 1,
 * DoNotSchedule; zones ScheduleAnyway), `--rules affinity` a preferred pod anti-affinity per node,
 * so the counting those rules do is measured too.
 *
 *   node bench/src/schedule-burst.ts --pods 1000 --nodes 100 --concurrency 16 [--rules spread]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { KubeObject } from '@wisp/api/meta.ts';
import { findResource } from '@wisp/api/resources.ts';
import { systemClock, systemRandom } from '@wisp/core';
import { createControlPlane } from '@wisp/controlplane/control-plane.ts';
import { createInformerFactory } from '@wisp/controlplane/informer/factory.ts';
import { issueClientCert } from '@wisp/controlplane/pki/index.ts';
import { createScheduler } from '@wisp/controlplane/scheduler/index.ts';
import { openSqliteStore } from '@wisp/controlplane/store/sqlite-store.ts';
import { runLoad } from './load.ts';
import { percentile, runPool } from './stats.ts';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '1000' },
    nodes: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '16' },
    /** Scheduler workers; the default is the scheduler's own. */
    workers: { type: 'string' },
    /** Give up waiting for bindings after this long. */
    'timeout-ms': { type: 'string', default: '120000' },
    /** Scheduling rules on the burst pods: none, spread or affinity. */
    rules: { type: 'string', default: 'none' },
  },
});
const podCount = Number(values.pods);
const nodeCount = Number(values.nodes);
const concurrency = Number(values.concurrency);
const workers = values.workers === undefined ? undefined : Number(values.workers);
const timeoutMs = Number(values['timeout-ms']);
const rules = values.rules ?? 'none';
if (!['none', 'spread', 'affinity'].includes(rules)) throw new Error(`--rules ${rules}: unknown`);
const NODES = findResource('', 'nodes')!;
const PODS = findResource('', 'pods')!;
const BENCH_LABEL = 'schedule-burst';

const dir = mkdtempSync(join(tmpdir(), 'wisp-bench-schedule-'));
const clock = systemClock();
const random = systemRandom();
const store = openSqliteStore({ path: join(dir, 'state.db'), clock });
// The bench runs its own scheduler and no other controller: the garbage collector would delete
// pods whose owner does not exist, and node lifecycle would taint nodes that send no heartbeats.
const cp = createControlPlane(
  { dataDir: dir, port: 0, controllers: false },
  { clock, random, store },
);
await cp.start();

function fakeNode(i: number): KubeObject {
  const name = `node-${String(i).padStart(3, '0')}`;
  const resources = { cpu: '4', memory: '8Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/arch': i % 2 ? 'arm64' : 'amd64',
        'topology.kubernetes.io/zone': `site-${i % 10}`,
        'wisp.dev/runtimes': 'wasm.oci',
      },
    },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
    },
  };
}

await runPool(nodeCount, 16, (i) => cp.registry.create(NODES, undefined, fakeNode(i)));

const informers = createInformerFactory({ registry: cp.registry, clock });
const scheduler = createScheduler(
  { workers },
  { registry: cp.registry, informers, clock, random, log: (m, e) => console.error(m, e) },
);
const bound = new Set<string>();
let lastBoundMs = 0;
const allBound = Promise.withResolvers<void>();
informers.for(PODS).onChange((key, obj) => {
  const spec = obj?.spec as { nodeName?: string } | undefined;
  if (!spec?.nodeName || obj?.metadata.labels?.bench !== BENCH_LABEL || bound.has(key)) return;
  bound.add(key);
  lastBoundMs = clock.monotonic();
  if (bound.size === podCount) allBound.resolve();
});
await informers.start();
scheduler.start();

const cert = await issueClientCert(cp.ca(), { user: 'bench', groups: ['system:masters'], days: 1 });
const load = (bodyTemplate: string, count: number) =>
  runLoad({
    url: cp.url(),
    ca: cp.ca().certPem,
    cert: cert.certPem,
    key: cert.keyPem,
    path: '/api/v1/namespaces/default/pods',
    bodyTemplate,
    count,
    concurrency,
    expectStatus: 201,
  });

const burstSelector = { matchLabels: { app: 'burst' } };
const ruleSpecs: Record<string, object> = {
  none: {},
  spread: {
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: burstSelector,
      },
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: burstSelector,
      },
    ],
  },
  affinity: {
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: burstSelector,
            },
          },
        ],
      },
    },
  },
};

/** Pods of one ReplicaSet, so the spread score is exercised as in a real rollout. */
const podJson = (name: string, schedulerName?: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: { bench: schedulerName ? 'warm-up' : BENCH_LABEL, app: 'burst' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'burst',
          uid: 'bench-rs',
          controller: true,
        },
      ],
    },
    spec: {
      ...(schedulerName ? { schedulerName } : ruleSpecs[rules]),
      containers: [
        {
          name: 'app',
          image: 'registry.local/app:1',
          resources: { requests: { cpu: '100m', memory: '64Mi' } },
        },
      ],
    },
  });

const rawValue = podJson('raw');
// Warm up both paths (TLS handshakes, prepared statements, JIT); warm-up pods are not ours.
await load(podJson('warm-__N__', 'bench-warm-up'), 200);
await runPool(200, concurrency, (i) => store.create(`/bench/warm/${i}`, rawValue));

// The baseline: the same number of writes straight into the store, as many in flight.
const rawStart = clock.monotonic();
await runPool(podCount, concurrency, (i) => store.create(`/bench/raw/${i}`, rawValue));
const rawSeconds = (clock.monotonic() - rawStart) / 1000;

const revisionBefore = await store.currentRevision();
const burstStart = clock.monotonic();
const api = await load(podJson('burst-__N__'), podCount);
const latencies = api.latenciesMs;
const failures = api.failures;
const createSeconds = api.seconds;
const stopWaiting = new AbortController();
const timedOut = await Promise.race([
  allBound.promise.then(() => false),
  clock.sleep(timeoutMs, stopWaiting.signal).then(
    () => true,
    () => false,
  ),
]);
stopWaiting.abort();
const bindSeconds = ((timedOut ? clock.monotonic() : lastBoundMs) - burstStart) / 1000;
// The last conditions and events land just after the last binding.
for (let i = 0; i < 1000 && !scheduler.idle(); i++) await clock.sleep(5);
const burstWrites = (await store.currentRevision()) - revisionBefore;

const rawRate = podCount / rawSeconds;
const boundRate = bound.size / bindSeconds;
const perNode = new Map<string, number>();
for (const p of (await cp.registry.list(PODS, 'default', { labelSelector: `bench=${BENCH_LABEL}` }))
  .items) {
  const n = (p.spec as { nodeName?: string }).nodeName ?? '<none>';
  perNode.set(n, (perNode.get(n) ?? 0) + 1);
}
const counts = [...perNode.values()];

console.log(
  `bench/schedule-burst  pods=${podCount} nodes=${nodeCount} concurrency=${concurrency} ` +
    `workers=${workers ?? 'default'} rules=${rules}`,
);
console.log(`raw store inserts : ${rawRate.toFixed(0)} writes/s`);
console.log(
  `API pod creates   : ${(podCount / createSeconds).toFixed(0)} creates/s (failures: ${failures})`,
);
console.log(
  `pods bound        : ${bound.size}/${podCount} in ${bindSeconds.toFixed(2)} s = ` +
    `${boundRate.toFixed(0)} pods/s (target >= 500)${timedOut ? '  TIMED OUT' : ''}`,
);
console.log(
  `ratio bound/raw   : ${(boundRate / rawRate).toFixed(3)}  (pods bound per raw store write)`,
);
console.log(
  `store writes      : ${(burstWrites / podCount).toFixed(1)} per pod, ` +
    `${(burstWrites / bindSeconds).toFixed(0)} writes/s = ` +
    `${(burstWrites / bindSeconds / rawRate).toFixed(2)} of the raw rate`,
);
console.log(
  `API latency ms    : p50 ${percentile(latencies, 50).toFixed(1)}  ` +
    `p99 ${percentile(latencies, 99).toFixed(1)}`,
);
console.log(
  `pods per node     : min ${Math.min(...counts)}  max ${Math.max(...counts)}  ` +
    `(nodes used: ${perNode.size})`,
);

await scheduler.stop();
await informers.stop();
await cp.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
