import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { Env } from './app.ts';
import { dashboardRoutes } from './dashboard-routes.ts';

const dist = mkdtempSync(join(tmpdir(), 'wisp-dash-routes-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><p>hi</p>');
writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(dist, 'secret.js'), 'nope');

const appWith = (distDir: string) => {
  const app = new Hono<Env>();
  dashboardRoutes({ distDir })(app);
  return app;
};

describe('dashboard routes', () => {
  after(() => rmSync(dist, { recursive: true, force: true }));

  it('serves the page at / and its assets by name, without authentication', async () => {
    const app = appWith(dist);
    const page = await app.request('/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(await page.text(), '<!doctype html><p>hi</p>');
    const js = await app.request('/assets/app.js');
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
  });

  it('answers 404 for unknown assets and for names that would leave assets/', async () => {
    const app = appWith(dist);
    for (const path of ['/assets/missing.js', '/assets/..%2Fsecret.js', '/assets/.hidden.js']) {
      const res = await app.request(path);
      assert.equal(res.status, 404, path);
    }
    assert.equal((await app.request('/assets/app.exe')).status, 404);
  });

  it('says how to build the dashboard when it is not built', async () => {
    const res = await appWith(join(dist, 'nowhere')).request('/');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build:dashboard/);
  });
});
