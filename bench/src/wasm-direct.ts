/**
 * The baseline the wasm benchmarks compare against: a transpiled component (jco output,
 * `--instantiation async`) instantiated directly on the main thread with jco's own WASI host
 * (preview2-shim), no worker, no memory cap, no watchdog. Compiled core modules are kept, so a
 * second instantiation is the warm case.
 *
 *   const direct = await loadDirect(dir);
 *   const exports = await direct.instantiate(shimImports({ args: ['sensor'], env: [] }));
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WASIShim } from '@bytecodealliance/preview2-shim/instantiation';
import { cli } from '@bytecodealliance/preview2-shim';
import * as shimHttp from '@bytecodealliance/preview2-shim/http';

type Imports = Record<string, unknown>;
/** A compiled core module; the repository's `lib` has no DOM types for WebAssembly. */
type CoreModule = object;
const webAssembly = (
  globalThis as unknown as {
    WebAssembly: { compile(bytes: Uint8Array): Promise<CoreModule> };
  }
).WebAssembly;
type Instantiate = (
  getCoreModule: (name: string) => Promise<CoreModule>,
  imports: Imports,
) => Promise<Record<string, unknown>>;

export interface DirectComponent {
  instantiate(imports: Imports): Promise<Record<string, unknown>>;
}

/** Imports component.js from a transpiled dir; core modules compile on first use, then stay. */
export async function loadDirect(dir: string): Promise<DirectComponent> {
  const url = pathToFileURL(join(dir, 'component.js')).href;
  const { instantiate } = (await import(url)) as { instantiate: Instantiate };
  const compiled = new Map<string, Promise<CoreModule>>();
  const getCoreModule = (name: string) => {
    let module = compiled.get(name);
    if (!module) {
      module = readFile(join(dir, name)).then((bytes) => webAssembly.compile(bytes));
      compiled.set(name, module);
    }
    return module;
  };
  return { instantiate: (imports) => instantiate(getCoreModule, imports) };
}

/**
 * jco's WASI host sandboxed to the given args and env, with no preopens and no network. The
 * guest's stdout goes to stderr, so sensor readings do not mix with the benchmark's report.
 */
export function shimImports(opts: { args: string[]; env: [string, string][] }): Imports {
  const shim = new WASIShim({
    cli: { ...cli, stdout: { getStdout: () => cli.stderr.getStderr() } },
    sandbox: {
      preopens: {},
      env: Object.fromEntries(opts.env),
      args: opts.args,
      enableNetwork: false,
    },
  } as never);
  return shim.getImportObject() as Imports;
}

/** The `wasi:cli/run` export of an instance. */
export function runExport(exports: Record<string, unknown>): { run(): void } {
  const key = Object.keys(exports).find((k) => k === 'run' || k.startsWith('wasi:cli/run@'));
  const run = key ? (exports[key] as { run?: () => void }) : undefined;
  if (typeof run?.run !== 'function') throw new Error('component does not export wasi:cli/run');
  return run as { run(): void };
}

/** The `wasi:http/incoming-handler` export of an instance. */
export function incomingHandlerExport(exports: Record<string, unknown>): { handle: unknown } {
  const key = Object.keys(exports).find(
    (k) => k === 'incomingHandler' || k.startsWith('wasi:http/incoming-handler@'),
  );
  const handler = key ? (exports[key] as { handle?: unknown }) : undefined;
  if (typeof handler?.handle !== 'function') {
    throw new Error('component does not export wasi:http/incoming-handler');
  }
  return handler as { handle: unknown };
}

/** preview2-shim's in-process HTTP server (exported by the shim, missing from its types). */
export interface ShimHttpServer {
  listen(port: number, host: string): void;
  address(): { port: number };
  stop(): void;
}
export const ShimHTTPServer = (
  shimHttp as unknown as { HTTPServer: new (handler: unknown) => ShimHttpServer }
).HTTPServer;
