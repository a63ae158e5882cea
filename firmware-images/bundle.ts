/**
 * Bundles the `wisp` command for devices (DESIGN §9): esbuild, ESM, code split per subcommand so
 * an agent loads only the agent's code, minified, no TypeScript stripping at run time. Packages
 * that load files beside themselves (jco's wasm) stay external and ship in `node_modules`.
 * Writes `OUT/wisp.mjs` (+ chunks) and `OUT/wisp`, a launcher that runs it with the V8 flags a
 * small device wants (they are what bench/agent-footprint measures).
 *
 *   node firmware-images/bundle.ts [--out firmware-images/dist/wisp]
 */
import { build, type Plugin } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Young-generation semispaces of 1 MiB (V8's default is 16 MiB per semispace), one V8 worker
 * thread, V8's size-over-speed heuristics, and tiering up to the optimising compilers ten times
 * later than by default: code that runs once (joining, TLS and libp2p handshakes) stays
 * unoptimised, so an idle agent never pages in Maglev's and TurboFan's code, while hot paths (a
 * wasm pod's request loop) still get optimised (bench/wasi-http: same req/s with these flags).
 * Together 139 → about 80 MiB RSS for an idle agent.
 */
export const DEVICE_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=1',
  '--v8-pool-size=1',
  '--optimize-for-size',
  '--invocation-count-for-maglev=4000',
  '--invocation-count-for-maglev-osr=1000',
  '--invocation-count-for-turbofan=30000',
  '--invocation-count-for-osr=5000',
];

/** Loaded from node_modules at run time: they read wasm and worker files beside themselves. */
const EXTERNAL: readonly string[] = ['@bytecodealliance/*', 'esbuild'];

const root = path.resolve(import.meta.dirname, '..');

/**
 * Worker threads start from a file of their own: each is an entry point of the bundle, and the
 * one place that names it (`new URL('./x.ts', import.meta.url)`) is pointed at the bundled name.
 */
const WORKER_ENTRIES: readonly { readonly source: string; readonly namedIn: string }[] = [
  {
    source: 'runtime-wasm/src/host/worker-entry.ts',
    namedIn: 'runtime-wasm/src/host/worker-messages.ts',
  },
];

function workerEntries(): Plugin {
  return {
    name: 'wisp-worker-entries',
    setup(b) {
      for (const w of WORKER_ENTRIES) {
        const file = path.join(root, w.namedIn);
        const name = path.basename(w.source, '.ts');
        b.onLoad({ filter: new RegExp(`${escapeRegExp(file)}$`) }, () => {
          const text = readFileSync(file, 'utf8');
          const from = `'./${name}.ts'`;
          if (!text.includes(from)) throw new Error(`${w.namedIn} no longer names ${from}`);
          return { contents: text.replace(from, `'./${name}.mjs'`), loader: 'ts' };
        });
      }
    },
  };
}

/**
 * Packages replaced in the bundle: libp2p-noise instantiates these two WebAssembly modules at
 * load (for a small speed-up on tiny frames), which wakes V8's wasm compiler and costs an idle
 * agent about 9 MiB; the shims do the same through Node's OpenSSL (src/crypto-shims.test.ts
 * checks they give the same bytes).
 */
const SHIMS: Readonly<Record<string, string>> = {
  '@chainsafe/as-chacha20poly1305': 'firmware-images/src/as-chacha20poly1305-shim.ts',
  '@chainsafe/as-sha256': 'firmware-images/src/as-sha256-shim.ts',
};

function shims(): Plugin {
  return {
    name: 'wisp-shims',
    setup(b) {
      b.onResolve({ filter: /^@chainsafe\/as-(chacha20poly1305|sha256)$/ }, (args) => ({
        path: path.join(root, SHIMS[args.path]),
      }));
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function bundleWisp(outDir: string): Promise<{ files: string[]; bytes: number }> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: {
      wisp: path.join(root, 'cli/bin/wisp.ts'),
      ...Object.fromEntries(
        WORKER_ENTRIES.map((w) => [path.basename(w.source, '.ts'), path.join(root, w.source)]),
      ),
    },
    plugins: [workerEntries(), shims()],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    minify: true,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    external: [...EXTERNAL],
    metafile: true,
    logLevel: 'warning',
    // CommonJS dependencies inside an ESM bundle still call require().
    banner: {
      js: "import{createRequire as __wispCr}from'node:module';const require=__wispCr(import.meta.url);",
    },
  });
  const outputs = Object.entries(result.metafile.outputs);
  writeLauncher(outDir);
  return {
    files: outputs.map(([file]) => path.relative(outDir, path.resolve(root, file))),
    bytes: outputs.reduce((sum, [, o]) => sum + o.bytes, 0),
  };
}

function writeLauncher(outDir: string): void {
  const launcher = path.join(outDir, 'wisp');
  const flags = DEVICE_NODE_FLAGS.join(' ');
  writeFileSync(
    launcher,
    `#!/bin/sh\n# The bundled wisp command with the V8 flags for small devices.\n` +
      `exec "\${WISP_NODE:-node}" ${flags} "$(dirname "$0")/wisp.mjs" "$@"\n`,
  );
  chmodSync(launcher, 0o755);
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: path.join(root, 'firmware-images/dist/wisp') } },
  });
  const { files, bytes } = await bundleWisp(path.resolve(values.out!));
  console.log(`bundled ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB → ${values.out}`);
}
