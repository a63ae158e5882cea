/**
 * Dashboard load: the bundle's bytes (raw and gzipped) and how long Chromium takes from
 * navigation to the overview rendered (signed in, first lists drawn) against a real control
 * plane over TLS, next to a bare node:http server handing Chromium the same files in the same
 * run (time to the login form: the page shell, nothing from the API). Printed as ratios.
 *
 *   npm run bench:dashboard-load [-- --runs 7]
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { systemClock, systemRandom } from '@wisp/core';
import { createControlPlane } from '@wisp/controlplane/control-plane.ts';
import { openSqliteStore } from '@wisp/controlplane/store/sqlite-store.ts';
import { buildDashboard, defaultDistDir } from '@wisp/dashboard/build.ts';
import { percentile } from './stats.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
const built = await buildDashboard();

const dir = mkdtempSync(join(tmpdir(), 'wisp-bench-dash-'));
const clock = systemClock();
const store = openSqliteStore({ path: join(dir, 'state.db'), clock });
const cp = createControlPlane({ dataDir: dir, port: 0 }, { clock, random: systemRandom(), store });
await cp.start();
const { token } = await cp.tokens().create({ user: 'bench', groups: ['system:masters'] });

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
};
const bare = createServer((req, res) => {
  const path = req.url === '/' ? '/index.html' : (req.url ?? '/');
  try {
    const data = readFileSync(join(defaultDistDir, path.replace(/\.\.+/g, '')));
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    res.end(data);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise<void>((ok) => bare.listen(0, '127.0.0.1', ok));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;

const spki = new X509Certificate(readFileSync(join(dir, 'pki', 'apiserver.crt'))).publicKey;
const pin = createHash('sha256')
  .update(spki.export({ type: 'spki', format: 'der' }))
  .digest('base64');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    `--ignore-certificate-errors-spki-list=${pin}`,
  ],
});

/** Milliseconds from navigation to `selector` visible, in a fresh context (cold cache). */
async function timeTo(url: string, selector: string, signIn: boolean): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (signIn) await page.addInitScript((t) => sessionStorage.setItem('wisp.token', t), token);
  const start = performance.now();
  await page.goto(url);
  await page.waitForSelector(selector);
  const ms = performance.now() - start;
  await context.close();
  return ms;
}

const bareMs: number[] = [];
const shellMs: number[] = [];
const overviewMs: number[] = [];
await timeTo(bareUrl, '#login-token', false); // warm up the browser process
for (let i = 0; i < runs; i++) {
  bareMs.push(await timeTo(bareUrl, '#login-token', false));
  shellMs.push(await timeTo(cp.url(), '#login-token', false));
  overviewMs.push(await timeTo(cp.url(), '[data-testid="fleet-headline"]', true));
}
await browser.close();
bare.close();
await cp.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });

const p50 = (xs: number[]) => percentile(xs, 50);
const f = (ms: number) => `${ms.toFixed(1)} ms`;
process.stdout.write(
  [
    `dashboard bundle: ${built.bytes} bytes, ${built.gzipBytes} gzipped ` +
      `(${((built.gzipBytes / (250 * 1024)) * 100).toFixed(1)}% of the 250 KB budget)`,
    `first load, p50 of ${runs} cold loads in Chromium:`,
    `  bare node:http, same files, to the login form:     ${f(p50(bareMs))}  (baseline)`,
    `  control plane (TLS), to the login form:            ${f(p50(shellMs))}  ` +
      `(${(p50(shellMs) / p50(bareMs)).toFixed(2)}x baseline)`,
    `  control plane (TLS), signed in, overview rendered: ${f(p50(overviewMs))}  ` +
      `(${(p50(overviewMs) / p50(bareMs)).toFixed(2)}x baseline)`,
    '',
  ].join('\n'),
);
