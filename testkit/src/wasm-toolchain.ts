/**
 * The build tools behind the example and fixture components: jco (from node_modules, run on the
 * pinned Node), Debian's clang + wasi-libc for C, and componentize-js through `jco componentize`
 * for JavaScript. Missing Debian packages are reported by name.
 *
 *   await compileC(source, '/tmp/x.core.wasm');
 *   await coreToCommand('/tmp/x.core.wasm', '/tmp/x.wasm');
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WispError } from '@wisp/core';

/** The repository root (testkit/src/ is two levels below it). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

const JCO_PACKAGE = join(REPO_ROOT, 'node_modules/@bytecodealliance/jco');
const JCO_CLI = join(JCO_PACKAGE, 'dist/jco.js');
/** WASI version of the WIT jco ships; the example sources import these names. */
export const WASI_VERSION = '0.2.12';
/** A componentize run takes ~10 s alone and far longer on a busy 2-core machine. */
const BUILD_TIMEOUT_MS = 600_000;
const TOOL_OUTPUT_BYTES_MAX = 16 * 1024 * 1024;

/** A build tool that is not installed; `debianPackage` says what to `apt-get install`. */
export class WasmToolMissingError extends WispError {
  readonly debianPackage: string;
  constructor(debianPackage: string, what: string) {
    super('ERR_NOT_FOUND', `${what} not found: install the Debian package ${debianPackage}`);
    this.debianPackage = debianPackage;
  }
}

/** A tool ran and failed; the message carries its stderr. */
export class WasmBuildError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INTERNAL', message, options);
  }
}

/** Runs a program and returns its stdout; a non-zero exit becomes a WasmBuildError. */
export function runTool(file: string, args: readonly string[], cwd?: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      file,
      args,
      { cwd, timeout: BUILD_TIMEOUT_MS, maxBuffer: TOOL_OUTPUT_BYTES_MAX, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return done(stdout);
        const name = file === process.execPath ? (args[1] ?? args[0]) : file;
        const output = `${stderr}${stdout}`.trim().slice(-4000);
        fail(
          new WasmBuildError(`${name} ${args.slice(2).join(' ')} failed: ${output}`, {
            cause: error,
          }),
        );
      },
    );
  });
}

/** Runs the jco CLI on this process's Node (its shebang would pick the system Node). */
export function jco(args: readonly string[], cwd?: string): Promise<string> {
  return runTool(process.execPath, [JCO_CLI, ...args], cwd);
}

let jcoVersionMemo: string | undefined;
/** jco's version, part of every build hash (it brings the adapters and componentize-js). */
export function jcoVersion(): string {
  if (jcoVersionMemo) return jcoVersionMemo;
  const pkg = JSON.parse(readFileSync(join(JCO_PACKAGE, 'package.json'), 'utf8')) as {
    version: string;
  };
  jcoVersionMemo = `jco@${pkg.version}`;
  return jcoVersionMemo;
}

/** Files that prove each Debian package of the C toolchain is installed. */
function cToolchainProbes(): readonly { pkg: string; what: string; ok: () => boolean }[] {
  const onPath = (bin: string) => () =>
    (process.env.PATH ?? '/usr/bin').split(':').some((dir) => existsSync(join(dir, bin)));
  const builtins = () => {
    const base = '/usr/lib/llvm-14/lib/clang';
    if (!existsSync(base)) return false;
    return readdirSync(base).some((v) =>
      existsSync(join(base, v, 'lib/wasi/libclang_rt.builtins-wasm32.a')),
    );
  };
  return [
    { pkg: 'clang', what: 'clang', ok: onPath('clang') },
    { pkg: 'lld', what: 'wasm-ld', ok: onPath('wasm-ld') },
    { pkg: 'wasi-libc', what: 'wasi-libc (/usr/lib/wasm32-wasi/libc.a)', ok: wasiLibc },
    { pkg: 'libclang-rt-14-dev-wasm32', what: 'the wasm32 compiler runtime', ok: builtins },
  ];
}

function wasiLibc(): boolean {
  return existsSync('/usr/lib/wasm32-wasi/libc.a');
}

/** Throws WasmToolMissingError naming the first missing Debian package of the C toolchain. */
export function checkCToolchain(): void {
  for (const probe of cToolchainProbes()) {
    if (!probe.ok()) throw new WasmToolMissingError(probe.pkg, probe.what);
  }
}

let clangVersionMemo: Promise<string> | undefined;
/** clang's version line, part of the hash of C builds. */
export function clangVersion(): Promise<string> {
  checkCToolchain();
  clangVersionMemo ??= runTool('clang', ['--version']).then((out) => out.split('\n')[0].trim());
  return clangVersionMemo;
}

/** Compiles one C file to a core wasm module importing wasi_snapshot_preview1. */
export async function compileC(source: string, outCore: string): Promise<void> {
  checkCToolchain();
  const src = `${outCore}.c`;
  await writeFile(src, source);
  const flags = ['--target=wasm32-wasi', '--sysroot=/usr', '-Os', '-Wl,--strip-all'];
  await runTool('clang', [...flags, src, '-o', outCore]);
}

/**
 * Compiles one freestanding C file (no libc, no imports) to a core wasm module and returns its
 * bytes: how the modules Wisp embeds are built (scripts/build-aead.ts), and how their tests
 * rebuild them to check the embedded bytes are what the committed source compiles to.
 */
export async function compileFreestandingC(src: string): Promise<Buffer> {
  checkCToolchain();
  const dir = await mkdtemp(join(tmpdir(), 'wisp-freestanding-'));
  try {
    // Compiled and linked in two steps: clang's driver runs binaryen's wasm-opt after linking
    // whenever one is on PATH (node_modules/.bin has one), which would make the bytes depend on
    // PATH.
    const object = join(dir, 'module.o');
    const core = join(dir, 'module.wasm');
    await runTool('clang', ['--target=wasm32', '-O3', '-mbulk-memory', '-c', src, '-o', object]);
    await runTool('wasm-ld', [
      '--no-entry',
      '-z',
      'stack-size=16384',
      '--strip-all',
      object,
      '-o',
      core,
    ]);
    return await readFile(core);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Assembles WAT text into a core wasm module. */
export async function watToCore(source: string, outCore: string): Promise<void> {
  const src = `${outCore}.wat`;
  await writeFile(src, source);
  await jco(['parse', src, '-o', outCore]);
}

/**
 * Embeds a world into a core module, so it may import WASI 0.2 functions the preview1 adapter
 * does not offer (`wasi:cli/exit#exit-with-code`).
 */
export async function embedWorld(core: string, worldWit: string, out: string): Promise<void> {
  const witDir = `${out}.wit`;
  await builtinWasiWit(witDir);
  await writeFile(join(witDir, 'world.wit'), worldWit);
  const world = worldName(worldWit);
  if (!world) throw new WasmBuildError('embedWorld: the WIT text declares no world');
  await jco(['embed', core, '--wit', witDir, '-n', world, '-o', out]);
}

/** The first `world NAME {` declared in a WIT text (comments may mention worlds too). */
export function worldName(worldWit: string): string | undefined {
  return /^\s*world\s+([\w-]+)\s*\{/m.exec(worldWit)?.[1];
}

/** Wraps a preview1 core module into a wasi:cli command component with jco's adapter. */
export async function coreToCommand(core: string, out: string): Promise<void> {
  await jco(['new', core, '--wasi-command', '-o', out]);
}

/**
 * Writes a WIT folder whose deps are the WASI packages jco ships (scaffolded, never vendored),
 * including wasi:http. The caller adds its own world file at the top.
 */
export async function builtinWasiWit(witDir: string): Promise<void> {
  const scaffold = `${witDir}.scaffold`;
  await jco(['scaffold', scaffold, '--wit', 'builtin:wasi-proxy@0.2.x', '--language', 'js']);
  const http = join(scaffold, 'wit/package.wit');
  const pkg = /^package\s+wasi:http@([\d.]+);/m.exec(readFileSync(http, 'utf8'))?.[1];
  if (pkg !== WASI_VERSION) {
    throw new WasmBuildError(
      `jco scaffolds wasi:http@${pkg}, the example sources import @${WASI_VERSION}: update them`,
    );
  }
  await mkdir(witDir, { recursive: true });
  await rename(join(scaffold, 'wit/deps'), join(witDir, 'deps'));
  await mkdir(join(witDir, `deps/wasi-http-${WASI_VERSION}`));
  await rename(http, join(witDir, `deps/wasi-http-${WASI_VERSION}/package.wit`));
}

/** Builds a JavaScript component with componentize-js against `worldWit` + jco's WASI WIT. */
export async function componentizeJs(
  sourcePath: string,
  worldWit: string,
  out: string,
): Promise<void> {
  const witDir = `${out}.wit`;
  await builtinWasiWit(witDir);
  await writeFile(join(witDir, 'world.wit'), worldWit);
  const world = worldName(worldWit);
  if (!world) throw new WasmBuildError('componentizeJs: the WIT text declares no world');
  await jco(['componentize', sourcePath, '--wit', witDir, '-n', world, '-o', out]);
}
