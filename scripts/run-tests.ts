/**
 * Runs the unit or the integration tests with `node --test` on the Node that runs this script
 * (the pinned Node 24), and exits with the run's exit code. Unit tests are the `*.test.ts` files
 * under any `src/` folder and in `scripts/`; integration tests are the `*.test.ts` under `test/`.
 *
 *   node scripts/run-tests.ts unit
 *   node scripts/run-tests.ts integration
 *   npm run test:unit -- core/src/clock                  # only files whose path contains it
 *   npm run test:unit -- --test-name-pattern=watch       # options go to node --test
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism, constants } from 'node:os';
import path from 'node:path';

interface Mode {
  /** Whether a root-relative path (with `/` separators) of a `*.test.ts` file belongs here. */
  readonly includes: (file: string) => boolean;
  readonly testTimeoutMs: number;
  readonly concurrency: number;
}

const cores = availableParallelism();

const MODES: Readonly<Record<string, Mode>> = {
  unit: {
    includes: (f) =>
      (!f.startsWith('test/') && f.split('/').slice(0, -1).includes('src')) ||
      /^scripts\/[^/]+\.test\.ts$/.test(f),
    testTimeoutMs: 60_000,
    // Unit test files are CPU-bound and short: one process per core.
    concurrency: cores,
  },
  integration: {
    includes: (f) => f.startsWith('test/'),
    testTimeoutMs: 600_000,
    // Integration tests start real servers (etcd, registries, kubectl) that need a core of their
    // own; on the 2-core CI machines they run one file at a time.
    concurrency: Math.max(1, Math.floor(cores / 2)),
  },
};

/** Options of `node` that take their value as the next argument when written without `=`. */
const OPTIONS_WITH_VALUE = new Set([
  '--test-name-pattern',
  '--test-skip-pattern',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-concurrency',
  '--test-timeout',
  '--test-shard',
  '--import',
  '--require',
  '--conditions',
  '-C',
]);

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'tmp']);

function testFiles(root: string, dir = ''): string[] {
  const files: string[] = [];
  const entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) {
        files.push(...testFiles(root, rel));
      }
    } else if (entry.isFile() && entry.name.endsWith('.test.ts')) {
      files.push(rel);
    }
  }
  return files;
}

/** Splits the extra arguments into `node` options and file filters. */
function splitArgs(args: readonly string[]): { options: string[]; filters: string[] } {
  const options: string[] = [];
  const filters: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') continue;
    if (!arg.startsWith('-')) {
      filters.push(arg.replaceAll('\\', '/').replace(/^\.\//, ''));
      continue;
    }
    options.push(arg);
    if (OPTIONS_WITH_VALUE.has(arg) && i + 1 < args.length) options.push(args[++i]);
  }
  return { options, filters };
}

function run(command: string, args: readonly string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (e) => {
      console.error(`run-tests: cannot start ${command}: ${e.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

async function main(args: readonly string[]): Promise<number> {
  const [modeName, ...rest] = args;
  const mode = MODES[modeName ?? ''];
  if (!mode) {
    console.error(`usage: run-tests.ts ${Object.keys(MODES).join('|')} [filter…] [option…]`);
    return 2;
  }
  const root = path.join(import.meta.dirname, '..');
  const { options, filters } = splitArgs(rest);
  const files = testFiles(root)
    .filter(mode.includes)
    .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)));
  const what = filters.length ? ` matching ${filters.join(', ')}` : '';
  if (files.length === 0) {
    console.log(`run-tests: no ${modeName} test files${what}; nothing to run`);
    return 0;
  }
  const timeoutS = mode.testTimeoutMs / 1000;
  console.log(
    `run-tests: ${modeName}, ${files.length} file(s)${what}, ` +
      `concurrency ${mode.concurrency}, timeout ${timeoutS} s per test`,
  );
  const nodeArgs = [
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${mode.concurrency}`,
    `--test-timeout=${mode.testTimeoutMs}`,
    ...options,
    ...files,
  ];
  return run(process.execPath, nodeArgs, root);
}

process.exitCode = await main(process.argv.slice(2));
