/**
 * bench/store-write: N ConfigMap creates through the apiserver (HTTPS, client certificate,
 * keep-alive) against N raw inserts into the same SQLite store, in the same run. Prints both
 * rates, the ratio and the API latency percentiles.
 *
 *   npm run bench:store-write -- --count 5000 --concurrency 16
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock, systemRandom } from '@wisp/core';
import { createControlPlane } from '@wisp/controlplane/control-plane.ts';
import { issueClientCert } from '@wisp/controlplane/pki/index.ts';
import { openSqliteStore } from '@wisp/controlplane/store/sqlite-store.ts';
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
const agent = new Agent({
  keepAlive: true,
  maxSockets: concurrency,
  ca: cp.ca().certPem,
  cert: cert.certPem,
  key: cert.keyPem,
});
const url = new URL(cp.url());

function post(path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const configMap = (name: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default', labels: { bench: 'store-write' } },
    data: { key: 'value', n: name },
  });

// Warm up both paths (TLS handshakes, prepared statements, JIT).
await runPool(200, concurrency, (i) =>
  post('/api/v1/namespaces/default/configmaps', configMap(`warm-${i}`)),
);
await runPool(200, concurrency, (i) =>
  store.create(`/bench/warm/${i}`, configMap(`raw-warm-${i}`)),
);

const rawStart = performance.now();
await runPool(count, concurrency, (i) => store.create(`/bench/raw/${i}`, configMap(`raw-${i}`)));
const rawSeconds = (performance.now() - rawStart) / 1000;

const latencies: number[] = [];
let failures = 0;
const apiStart = performance.now();
await runPool(count, concurrency, async (i) => {
  const t = performance.now();
  const code = await post('/api/v1/namespaces/default/configmaps', configMap(`cm-${i}`));
  latencies.push(performance.now() - t);
  if (code !== 201) failures++;
});
const apiSeconds = (performance.now() - apiStart) / 1000;

const rawRate = count / rawSeconds;
const apiRate = count / apiSeconds;
console.log(`bench/store-write  count=${count} concurrency=${concurrency}`);
console.log(`raw store inserts : ${rawRate.toFixed(0)} writes/s`);
console.log(`API creates       : ${apiRate.toFixed(0)} creates/s (failures: ${failures})`);
console.log(`ratio API/raw     : ${(apiRate / rawRate).toFixed(2)}  (target >= 0.5)`);
console.log(
  `API latency ms    : p50 ${percentile(latencies, 50).toFixed(1)}  p99 ${percentile(latencies, 99).toFixed(1)}  (target p99 <= 50)`,
);

agent.destroy();
await cp.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
