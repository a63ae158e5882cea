/**
 * Serves the built dashboard (`dashboard/dist`) from the control plane: `/` is the page and
 * `/assets/<file>` its script and styles. Static files need no authentication; the page then
 * calls the API with the user's bearer token. Mounted before authentication, beside the join
 * routes.
 *
 *   const mount = dashboardRoutes({ distDir });
 *   mount(app); // GET / → index.html, GET /assets/app.js
 */
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { Hono } from 'hono';
import type { Env } from './app.ts';
import { failure } from './status.ts';

export interface DashboardRoutesInit {
  /** Default: the repository's `dashboard/dist`, written by `npm run build:dashboard`. */
  readonly distDir?: string;
}

export const defaultDashboardDir = resolve(import.meta.dirname, '../../../dashboard/dist');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/** One plain file name: no separators and no leading dot, so nothing outside assets/ is read. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function dashboardRoutes(init: DashboardRoutesInit = {}): (app: Hono<Env>) => void {
  const distDir = init.distDir ?? defaultDashboardDir;
  return (app) => {
    app.get('/', async (c) => {
      const page = await readOrUndefined(join(distDir, 'index.html'));
      if (!page) {
        return c.text('dashboard not built: run `npm run build:dashboard`\n', 503);
      }
      return c.body(new Uint8Array(page), 200, {
        'content-type': CONTENT_TYPES['.html'],
        // The page names its assets without a hash, so it must be revalidated each time.
        'cache-control': 'no-cache',
      });
    });
    app.get('/assets/:file', async (c) => {
      const file = c.req.param('file');
      const type = CONTENT_TYPES[extname(file)];
      const data =
        ASSET_NAME.test(file) && type && (await readOrUndefined(join(distDir, 'assets', file)));
      if (!data) {
        return c.json(failure(404, 'NotFound', `assets/${file}: not found`), 404);
      }
      return c.body(new Uint8Array(data), 200, {
        'content-type': type,
        'cache-control': 'no-cache',
      });
    });
  };
}

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** `routes`, then the dashboard's: the one hook the control plane needs. */
export function withDashboard(
  routes: ((app: Hono<Env>) => void) | undefined,
  init: DashboardRoutesInit = {},
): (app: Hono<Env>) => void {
  const dashboard = dashboardRoutes(init);
  return (app) => {
    routes?.(app);
    dashboard(app);
  };
}
