/**
 * The dashboard in a real Chromium (Debian's `chromium`, driven by `playwright-core`) against an
 * in-process control plane with three fake agents in two sites: log in with a token, watch the
 * fleet, see a Deployment's pods arrive without a reload, cordon a node from the page, and check
 * that a read-only token gets no action buttons. Screenshots go to docs/screenshots/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDashboard } from '@wisp/dashboard/build.ts';
import { startInProcessServer } from './helpers/in-process-server.ts';
import type { InProcessServer } from './helpers/in-process-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const SCREENSHOTS = resolve(import.meta.dirname, '../docs/screenshots');
const NODES = { group: '', version: 'v1', plural: 'nodes', namespaced: false };
const DEPLOYMENTS = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true };
const BINDINGS = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  plural: 'clusterrolebindings',
  namespaced: false,
};
const CLUSTER_ROLES = { ...BINDINGS, plural: 'clusterroles' };
/** Real time the page gets for one expectation. */
const PAGE_TIMEOUT_MS = 20_000;

type Playwright = typeof import('playwright-core');
type Browser = Awaited<ReturnType<Playwright['chromium']['launch']>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;

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
    : undefined;
// Outside CI a missing browser skips with what to install; in CI it is a failure.
if (missing && process.env.CI) throw new Error(`dashboard test cannot run: ${missing}`);
const skip = missing ?? false;

describe('the fleet dashboard in Chromium', { skip, timeout: 300_000 }, () => {
  let s: InProcessServer;
  let browser: Browser;
  let adminToken: string;
  let viewerToken: string;
  let proxy: Server;
  let pageUrl: string;

  before(async () => {
    await buildDashboard();
    mkdirSync(SCREENSHOTS, { recursive: true });
    s = await startInProcessServer({ controllers: {} });
    for (const [name, site] of [
      ['edge-a-1', 'site-a'],
      ['edge-a-2', 'site-a'],
      ['edge-b-1', 'site-b'],
    ]) {
      await s.agent({ nodeName: name, site }).start();
    }
    await s.waitFor('three nodes are registered', async () => {
      const nodes = await s.client.list(NODES, undefined);
      return nodes.items.length === 3;
    });
    adminToken = (await s.cp.tokens().create({ user: 'alice', groups: ['system:masters'] })).token;
    viewerToken = (await s.cp.tokens().create({ user: 'victor', groups: ['viewers'] })).token;
    // `view` covers namespaced objects only; reading nodes takes a cluster role of its own.
    await s.client.create(CLUSTER_ROLES, undefined, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'node-reader' },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }],
    });
    for (const role of ['view', 'node-reader']) {
      await s.client.create(BINDINGS, undefined, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `viewers-${role}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'Group', name: 'viewers', apiGroup: 'rbac.authorization.k8s.io' }],
      });
    }
    proxy = await startEcdsaProxy(s.cp.url());
    pageUrl = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
    browser = await playwright!.chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    proxy?.closeAllConnections();
    proxy?.close();
    await s?.stop();
  });

  async function signIn(token: string): Promise<Page> {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1200, height: 900 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    await page.goto(pageUrl);
    await page.fill('#login-token', token);
    await page.click('#login-button');
    await page.waitForSelector('body[data-permissions="checked"]');
    return page;
  }

  /** Advances the control plane's fake time until the page shows what `check` looks for. */
  const untilPage = (what: string, check: () => Promise<boolean>) =>
    s.waitFor(what, check, { stepMs: 100, pauseMs: 20, deadlineMs: 60_000 });

  it('shows 3 nodes in 2 sites after signing in with a token', async () => {
    const page = await signIn(adminToken);
    await page.waitForSelector('[data-testid="fleet-headline"]:text("3 nodes in 2 sites")');
    assert.equal(await page.locator('#nodes tr[data-node]').count(), 3);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-overview.png'), fullPage: true });
    await page.context().close();
  });

  it('shows a new Deployment’s pods without a reload', async () => {
    const page = await signIn(adminToken);
    await page.waitForSelector('[data-testid="fleet-headline"]:text("3 nodes in 2 sites")');
    await s.client.create(DEPLOYMENTS, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] },
        },
      },
    });
    const running = page.locator('#pods tr[data-pod^="default/web-"] td.phase.Running');
    await untilPage(
      'both pods show Running on the page',
      async () => (await running.count()) === 2,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-pods.png'), fullPage: true });
    await page.context().close();
  });

  it('cordons a node from the page, which then shows SchedulingDisabled', async () => {
    const page = await signIn(adminToken);
    await page.click('tr[data-node="edge-b-1"] button.cordon');
    const status = page.locator('tr[data-node="edge-b-1"] td.status');
    await untilPage(
      'the node shows SchedulingDisabled',
      async () => (await status.textContent())?.includes('SchedulingDisabled') ?? false,
    );
    const node = await s.client.get(NODES, undefined, 'edge-b-1');
    assert.equal((node.spec as { unschedulable?: boolean }).unschedulable, true);
    await page.waitForSelector('tr[data-node="edge-b-1"] button.uncordon');
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-cordoned.png'), fullPage: true });
    await page.context().close();
  });

  it('shows a read-only token no action buttons', async () => {
    const page = await signIn(viewerToken);
    await page.waitForSelector('[data-testid="fleet-headline"]:text("3 nodes in 2 sites")');
    assert.equal(await page.locator('#nodes tr[data-node]').count(), 3);
    assert.equal(await page.locator('button.cordon, button.uncordon').count(), 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-read-only.png'), fullPage: true });
    await page.context().close();
  });

  it('shows an unknown token’s error on the login form', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    await page.goto(pageUrl);
    await page.fill('#login-token', 'not-a-token');
    await page.click('#login-button');
    const error = await page.waitForSelector('#login .error');
    assert.match((await error.textContent()) ?? '', /Unauthorized/);
    await context.close();
  });
});

/**
 * Chromium speaks no Ed25519 in TLS, and the apiserver's serving certificate is Ed25519 (the
 * cluster CA's kind), so the page is loaded through this TLS terminator with a throwaway ECDSA
 * P-256 certificate. It forwards every request, watches included, unchanged. Remove it once the
 * apiserver serves a certificate browsers accept.
 */
async function startEcdsaProxy(target: string): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'wisp-dash-tls-'));
  const made = spawnSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
    ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1'],
    ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
  ]);
  if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
  const key = readFileSync(join(dir, 'key.pem'));
  const cert = readFileSync(join(dir, 'cert.pem'));
  rmSync(dir, { recursive: true, force: true });
  const server = createServer({ key, cert }, (req, res) => {
    const upstream = request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers, rejectUnauthorized: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return server;
}
