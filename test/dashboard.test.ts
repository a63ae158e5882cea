/**
 * The dashboard in a real Chromium (Debian's `chromium`, driven by `playwright-core`) against a
 * real `wisp up` fleet (control plane and three agents in two sites, in a temp data dir). TLS is
 * real: the browser talks to the apiserver directly and trusts its P-256 certificate by an SPKI
 * pin (`--ignore-certificate-errors-spki-list`), not by ignoring errors. The test signs in with
 * the token `wisp up` prints, watches a Deployment's pods arrive, follows a pod's log, drains a
 * node from its page, sees a stopped agent's node turn NotReady, and checks a read-only token
 * gets no action buttons. Screenshots go to docs/screenshots/ for the README.
 */
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { Request } from 'playwright-core';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDashboard } from '@wisp/dashboard/build.ts';
import { buildFixture } from '@wisp/testkit/wasm-fixtures.ts';
import { freePort, isRunning, startChild, wisp } from './helpers/fleet.ts';
import type { Child } from './helpers/fleet.ts';
import { kubectl, kubectlOk } from './helpers/wisp-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = resolve(import.meta.dirname, '../docs/screenshots');
/** Real time for one expectation on the page; a stopped node takes 40 s to be marked. */
const PAGE_TIMEOUT_MS = 30_000;
const NOT_READY_TIMEOUT_MS = 90_000;
const UP_TIMEOUT_MS = 90_000;

type Playwright = typeof import('playwright-core');
type Browser = Awaited<ReturnType<Playwright['chromium']['launch']>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;

/** The page's watch requests that are open: sent, not finished, not failed. */
function trackWatches(page: Page): Set<Request> {
  const open = new Set<Request>();
  const isWatch = (r: Request) => /[?&]watch=true/.test(r.url());
  page.on('request', (r) => {
    if (isWatch(r)) open.add(r);
  });
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
  return open;
}

async function loadPlaywright(): Promise<Playwright | undefined> {
  try {
    return await import('playwright-core');
  } catch {
    return undefined;
  }
}

const playwright = await loadPlaywright();
const missing = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (apt-get install chromium)`
  : !playwright
    ? 'playwright-core is not installed (npm install)'
    : spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status !== 0
      ? 'kubectl is not on the PATH (apt-get install kubernetes-client)'
      : undefined;
// Outside CI a missing browser skips with what to install; in CI it is a failure.
if (missing && process.env.CI === 'true') throw new Error(`dashboard test cannot run: ${missing}`);

/** Three replicas of a tiny C component that prints a line every 100 ms: logs to follow. */
const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      runtimeClassName: wasm
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${JSON.stringify(image)}
        args: ["1000000"]
        resources: {requests: {cpu: 100m, memory: 32Mi}}
`;

/** The SPKI pin Chromium takes: base64 of the SHA-256 of the certificate's public key DER. */
function spkiPin(certPath: string): string {
  const der = new X509Certificate(readFileSync(certPath)).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  return createHash('sha256').update(der).digest('base64');
}

async function until(what: string, probe: () => Promise<boolean> | boolean, ms = PAGE_TIMEOUT_MS) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (await probe()) return;
    await new Promise((ok) => setTimeout(ok, 250));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

describe(
  'the fleet dashboard in Chromium against wisp up',
  { skip: missing ?? false, timeout: 420_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'wisp-dash-'));
    const upDir = join(dir, '.wisp');
    const kc = join(upDir, 'admin.kubeconfig');
    let up: Child;
    let browser: Browser;
    let url = '';
    let adminToken = '';
    let viewerToken = '';
    let image = '';

    before(async () => {
      await buildDashboard();
      image = (await buildFixture('sleepy')).ref;
      mkdirSync(SCREENSHOTS, { recursive: true });
      const [port, p2pPort] = [await freePort(), await freePort()];
      up = startChild('up', [
        'up',
        ...['--data-dir', upDir, '--port', String(port), '--p2p-port', String(p2pPort)],
        '--no-examples',
      ]);
      await until(
        'wisp up prints its guide',
        () => /Wisp is up/.test(up.output),
        UP_TIMEOUT_MS,
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${up.output}`);
      });
      url = /dashboard: (\S+)/.exec(up.output)![1];
      adminToken = /login token: (\S+)/.exec(up.output)![1];
      viewerToken = wisp([
        'user-token',
        'create',
        '--role',
        'view',
        '--data-dir',
        join(upDir, 'server'),
      ]).trim();
      const pin = spkiPin(join(upDir, 'server', 'pki', 'apiserver.crt'));
      browser = await playwright!.chromium.launch({
        executablePath: CHROMIUM,
        args: [
          ...['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
          ...['--disable-background-networking', '--disable-component-update'],
          `--ignore-certificate-errors-spki-list=${pin}`,
        ],
      });
    });

    after(async () => {
      await browser?.close();
      if (up && isRunning(up)) {
        const exited = new Promise((ok) => up.process.once('exit', ok));
        up.process.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    });

    const watches = new WeakMap<Page, Set<Request>>();

    async function signIn(token: string, hash = ''): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(PAGE_TIMEOUT_MS);
      watches.set(page, trackWatches(page));
      await page.goto(`${url}${hash}`);
      await page.fill('#login-token', token);
      await page.click('#login-button');
      await page.waitForSelector('body[data-permissions="checked"]');
      return page;
    }

    const podNodes = () =>
      kubectlOk(kc, ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.nodeName}'])
        .split(/\s+/)
        .filter(Boolean);

    it('signs in with the printed token and shows 3 nodes in 2 sites over real TLS', async () => {
      const page = await signIn(adminToken);
      await page.waitForSelector('[data-testid="fleet-headline"]:text("3 nodes in 2 sites")');
      assert.equal(await page.locator('#nodes tr[data-node]').count(), 3);
      await page.waitForSelector('#nodes td.status.Ready >> nth=2');
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-overview.png'), fullPage: true });
      await page.context().close();
    });

    it('shows a Deployment applied with kubectl, its pods and rollout per site, without a reload', async () => {
      const page = await signIn(adminToken);
      await page.waitForSelector('[data-testid="fleet-headline"]:text("3 nodes in 2 sites")');
      const file = join(dir, 'web.yaml');
      writeFileSync(file, deployment(image));
      kubectlOk(kc, ['apply', '-f', file]);
      const running = page.locator('#pods tr[data-pod^="default/web-"] td.phase.Running');
      await until('three web pods Running on the page', async () => (await running.count()) === 3);
      const ready = page.locator('tr[data-workload="Deployment/default/web"] td.ready');
      await until('the Deployment shows 3/3', async () => (await ready.textContent()) === '3/3');
      const sites = await page
        .locator('tr[data-workload="Deployment/default/web"] td.sites')
        .textContent();
      assert.match(sites ?? '', /site-a \d\/\d, site-b \d\/\d/);
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-workloads.png'), fullPage: true });
      await page.click('tr[data-workload="Deployment/default/web"] a');
      await page.waitForSelector('#workload-yaml:text("kind: Deployment")');
      await page.context().close();
    });

    it('follows a pod’s log as lines arrive', async (t: TestContext) => {
      const pod = kubectlOk(kc, [
        'get',
        'pods',
        '-l',
        'app=web',
        '-o',
        'jsonpath={.items[0].metadata.name}',
      ]);
      let probe = kubectl(kc, ['logs', pod, '--tail=1']);
      // A container that has not printed yet answers with nothing: wait for its first line.
      await until('kubectl logs shows a line', () => {
        probe = kubectl(kc, ['logs', pod, '--tail=1']);
        return probe.code !== 0 || probe.stdout.trim() !== '';
      }).catch(() => undefined);
      const page = await signIn(adminToken, `#/pod/default/${pod}`);
      await page.waitForSelector(`[data-pod-detail="default/${pod}"]`);
      if (probe.code !== 0) {
        // The page must show the API's error rather than hang; lines need the logs path.
        await until(
          'the log error on the page',
          async () => (await page.locator('#pod-log-state.error').count()) > 0,
        );
        t.todo(
          `pods/log does not answer yet (logs + wasm runtime pending): ${probe.stderr.trim()}`,
        );
        await page.context().close();
        return;
      }
      const lines = async () =>
        ((await page.locator('#pod-log').textContent()) ?? '').split('\n').filter(Boolean).length;
      await until('log lines on the page', async () => (await lines()) > 0).catch(async (e) => {
        const state = await page.locator('#pod-log-state').textContent();
        throw new Error(
          `${(e as Error).message}; the page says: ${state}; kubectl: ${probe.stdout}`,
        );
      });
      const first = await lines();
      await until('more log lines arrive', async () => (await lines()) > first);
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-pod-log.png'), fullPage: true });
      await page.context().close();
    });

    it('drains a node from its page over HTTP/2 while nine watches stay open', async () => {
      await until('web pods on edge-2', () => podNodes().includes('edge-2'), PAGE_TIMEOUT_MS).catch(
        () => undefined,
      );
      const victim = podNodes().includes('edge-2') ? 'edge-2' : podNodes()[0];
      const page = await signIn(adminToken, `#/node/${victim}`);
      await page.waitForSelector(`[data-node-detail="${victim}"]`);
      // Nodes, pods, events, Leases and five workload kinds: more than the six HTTP/1.1
      // connections Chromium allows one server, so this only works as HTTP/2 streams.
      const open = watches.get(page)!;
      await until('nine watches open', () => open.size >= 9);
      const actions: string[] = [];
      page.on('response', (r) => {
        const m = r.request().method();
        if (m === 'PATCH' || /\/eviction$/.test(r.url())) actions.push(`${m} ${r.status()}`);
      });
      await page.click('button.drain');
      await page.waitForSelector('.drain-report:text("evicted")');
      assert.ok(actions.includes('PATCH 200'), `the cordon: ${actions.join(', ')}`);
      assert.ok(actions.includes('POST 201'), `an eviction: ${actions.join(', ')}`);
      assert.ok(open.size >= 9, `watches open during the drain: ${open.size}`);
      assert.equal(await page.locator('#errors li').count(), 0);
      // The page and every request that has completed (a watch stays open) went over h2.
      const protocols = (await page.evaluate(
        'performance.getEntries().map((e) => e.nextHopProtocol).filter(Boolean)',
      )) as string[];
      assert.ok(protocols.length > 0);
      assert.deepEqual([...new Set(protocols)], ['h2'], `protocols: ${protocols.join(', ')}`);
      // Evicted pods are deleted (Terminating until their agent confirms the stop); the
      // ReplicaSet's replacements must run elsewhere.
      await until(
        `three live web pods Running away from ${victim}`,
        () => {
          const rows = kubectlOk(kc, [
            ...['get', 'pods', '-l', 'app=web', '-o'],
            'jsonpath={range .items[*]}{.spec.nodeName} {.status.phase} {.metadata.deletionTimestamp}{"\\n"}{end}',
          ])
            .split('\n')
            .map((l) => l.trim().split(' '))
            .filter((f) => f[0] && !f[2]);
          return (
            rows.length === 3 && rows.every(([n, phase]) => n !== victim && phase === 'Running')
          );
        },
        NOT_READY_TIMEOUT_MS,
      ).catch((e: Error) => {
        const pods = kubectl(kc, ['get', 'pods', '-o', 'wide']).stdout;
        throw new Error(`${e.message}\n${pods}\n${up.output.slice(-3000)}`);
      });
      await page.waitForSelector(
        `[data-node-detail="${victim}"] .status:text("SchedulingDisabled")`,
      );
      await page.screenshot({
        path: join(SCREENSHOTS, 'dashboard-node-drained.png'),
        fullPage: true,
      });
      await page.click('button.uncordon');
      await page.waitForSelector('button.cordon');
      await page.context().close();
    });

    it('shows a node NotReady after its agent is stopped', async () => {
      const page = await signIn(adminToken);
      const agent = spawnSync('pgrep', ['-f', `${join(upDir, 'edge-3')} --server`], {
        encoding: 'utf8',
      });
      const pid = Number(agent.stdout.trim().split('\n')[0]);
      assert.ok(pid > 0, `the edge-3 agent process: ${agent.stdout}${agent.stderr}`);
      process.kill(pid, 'SIGTERM');
      const status = page.locator('tr[data-node="edge-3"] td.status');
      await until(
        'edge-3 NotReady on the page',
        async () => (await status.textContent())?.startsWith('NotReady') ?? false,
        NOT_READY_TIMEOUT_MS,
      );
      await page.waitForSelector('[data-site="site-a"] .bad:text("1 NotReady")');
      await page.screenshot({
        path: join(SCREENSHOTS, 'dashboard-node-not-ready.png'),
        fullPage: true,
      });
      await page.context().close();
    });

    it('shows a read-only token no action buttons', async () => {
      const page = await signIn(viewerToken);
      await page.waitForSelector('[data-testid="fleet-headline"]:text("3 nodes in 2 sites")');
      await page.waitForSelector('tr[data-workload="Deployment/default/web"]');
      assert.equal(
        await page.locator('button.cordon, button.uncordon, button.scale, button.restart').count(),
        0,
      );
      await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-read-only.png'), fullPage: true });
      await page.goto(`${url}#/node/edge-1`);
      await page.waitForSelector('[data-node-detail="edge-1"]');
      assert.equal(await page.locator('button.cordon, button.drain').count(), 0);
      await page.context().close();
    });

    it('shows an unknown token’s error on the login form', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(PAGE_TIMEOUT_MS);
      await page.goto(url);
      await page.fill('#login-token', 'not-a-token');
      await page.click('#login-button');
      const error = await page.waitForSelector('#login .error');
      assert.match((await error.textContent()) ?? '', /Unauthorized/);
      await context.close();
    });
  },
);
