/**
 * Builds the dashboard into `dist/`: `index.html`, `assets/app.js` (src/main.ts bundled and
 * minified by esbuild) and `assets/style.css`. Fails when the gzipped total passes the budget, so
 * a device with a slow link still loads it quickly.
 *
 *   node dashboard/build.ts                   # npm run build:dashboard
 *   const { gzipBytes } = await buildDashboard({ outDir });
 */
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The whole dashboard, gzipped, must stay under this. */
export const dashboardGzipBytesMax = 250 * 1024;

export const defaultDistDir = resolve(import.meta.dirname, 'dist');
const srcDir = resolve(import.meta.dirname, 'src');

export class DashboardTooLargeError extends Error {
  readonly code = 'DASHBOARD_TOO_LARGE';
  constructor(gzipBytes: number) {
    super(`dashboard: ${gzipBytes} bytes gzipped, over the ${dashboardGzipBytesMax} byte budget`);
    this.name = 'DashboardTooLargeError';
  }
}

export interface BuildResult {
  readonly outDir: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export async function buildDashboard(options: { outDir?: string } = {}): Promise<BuildResult> {
  // Loaded here, not at the top: the control plane imports nothing from this file at run time,
  // and a device without the dev dependency can still import `defaultDistDir`.
  const esbuild = await import('esbuild');
  const outDir = options.outDir ?? defaultDistDir;
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  await esbuild.build({
    entryPoints: [join(srcDir, 'main.ts')],
    outfile: join(outDir, 'assets', 'app.js'),
    bundle: true,
    format: 'esm',
    minify: true,
    target: ['es2022'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(srcDir, 'index.html'), join(outDir, 'index.html'));
  await copyFile(join(srcDir, 'style.css'), join(outDir, 'assets', 'style.css'));
  let bytes = 0;
  let gzipBytes = 0;
  for (const f of ['index.html', 'assets/app.js', 'assets/style.css']) {
    const data = await readFile(join(outDir, f));
    bytes += data.length;
    gzipBytes += gzipSync(data).length;
  }
  if (gzipBytes > dashboardGzipBytesMax) throw new DashboardTooLargeError(gzipBytes);
  return { outDir, bytes, gzipBytes };
}

if (import.meta.main) {
  const r = await buildDashboard();
  process.stdout.write(`dashboard: ${r.outDir} (${r.bytes} bytes, ${r.gzipBytes} gzipped)\n`);
}
