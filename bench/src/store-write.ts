/**
 * bench/store-write: N ConfigMap creates through the apiserver (HTTPS, client certificate,
 * keep-alive) against N raw inserts into the same SQLite store, in the same run. Prints both
 * rates, the ratio and the API latency percentiles. The HTTPS client runs in a worker thread so
 * it does not share the server's event loop.
 *
 *   npm run bench:store-write -- --count 5000 --concurrency 16
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock, systemRandom } from '@wisp/core';
import { createControlPlane } from '@wisp/controlplane/control-plane.ts';
import { issueClientCert } from '@wisp/controlplane/pki/index.ts';
import { openSqliteStore } from '@wisp/controlplane/store/sqlite-store.ts';
import { runLoad } from './load.ts';
import { percentile, runPool } from './stats.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
  },
});
const count = Number(values.count);
const concurrency = Number(values.concurrency);

const dir = mkdtempSync(join(tmpdir(), 'wisp-bench-store-'));
const clock = systemClock();
const store = openSqliteStore({ path: join(dir, 'state.db'), clock });
const cp = createControlPlane({ dataDir: dir, port: 0 }, { clock, random: systemRandom(), store });
await cp.start();
const cert = await issueClientCert(cp.ca(), { user: 'bench', groups: ['system:masters'], days: 1 });

const configMap = (name: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default', labels: { bench: 'store-write' } },
    data: { key: 'value', n: name },
  });

const load = (prefix: string, n: number) =>
  runLoad({
    url: cp.url(),
    ca: cp.ca().certPem,
    cert: cert.certPem,
    key: cert.keyPem,
    path: '/api/v1/namespaces/default/configmaps',
    bodyTemplate: configMap(`${prefix}-__N__`),
    count: n,
    concurrency,
    expectStatus: 201,
  });

// Warm up both paths (TLS handshakes, prepared statements, JIT).
await load('warm', 500);
await runPool(500, concurrency, (i) =>
  store.create(`/bench/warm/${i}`, configMap(`raw-warm-${i}`)),
);

// The baseline: the same writes straight into the store, as many in flight as the API gets.
const rawStart = performance.now();
await runPool(count, concurrency, (i) => store.create(`/bench/raw/${i}`, configMap(`raw-${i}`)));
const rawSeconds = (performance.now() - rawStart) / 1000;

// A second baseline: one insert at a time, each its own transaction and fsync, which is what
// a lone client's request costs the store.
const seqStart = performance.now();
for (let i = 0; i < count; i++) await store.create(`/bench/seq/${i}`, configMap(`seq-${i}`));
const seqSeconds = (performance.now() - seqStart) / 1000;

const api = await load('cm', count);
const apiSeconds = api.seconds;
const latencies = api.latenciesMs;
const failures = api.failures;

const rawRate = count / rawSeconds;
const seqRate = count / seqSeconds;
const apiRate = count / apiSeconds;
console.log(`bench/store-write  count=${count} concurrency=${concurrency}`);
console.log(`raw store inserts, ${concurrency} in flight : ${rawRate.toFixed(0)} writes/s`);
console.log(`raw store inserts, one at a time : ${seqRate.toFixed(0)} writes/s`);
console.log(
  `API creates, ${concurrency} in flight       : ${apiRate.toFixed(0)} creates/s (failures: ${failures})`,
);
console.log(`ratio API / raw in flight        : ${(apiRate / rawRate).toFixed(2)}`);
console.log(
  `ratio API / raw one at a time    : ${(apiRate / seqRate).toFixed(2)}  (target >= 0.5)`,
);
console.log(
  `API latency ms                   : p50 ${percentile(latencies, 50).toFixed(1)}  p99 ${percentile(latencies, 99).toFixed(1)}  (target p99 <= 50)`,
);

await cp.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
