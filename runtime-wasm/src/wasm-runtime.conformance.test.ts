/**
 * The runtime conformance suite over the real layers: image store, transpile cache, worker
 * instances, with components built from testkit's fixture sources (WAT and C, a few KB each).
 */
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { systemClock } from '@wisp/core';
import { runtimeConformance } from '@wisp/testkit/runtime-conformance.ts';
import { buildFixture } from '@wisp/testkit/wasm-fixtures.ts';
import { createWasmRuntime } from './runtime/create-wasm-runtime.ts';

const clangMissing = spawnSync('clang', ['--version']).status !== 0;
if (clangMissing && process.env.CI !== 'true') {
  process.stdout.write('# skipped: install Debian clang lld wasi-libc libclang-rt-14-dev-wasm32\n');
} else {
  const [spin, hello, crash] = await Promise.all(
    (['spin', 'hello', 'crash'] as const).map((n) => buildFixture(n)),
  );
  const clock = systemClock();
  runtimeConformance(
    'WasmRuntime',
    async (dir) => {
      const runtime = createWasmRuntime({ cacheDir: join(dir, 'wasm') }, { clock });
      return { runtime, tick: () => clock.sleep(50), close: () => runtime.close() };
    },
    {
      runsForever: spin.ref,
      exitsZero: hello.ref,
      exitsOne: crash.ref,
      printsHello: hello.ref,
      missing: `file:///nonexistent/missing.wasm@sha256:${'0'.repeat(64)}`,
    },
    { ticksMax: 400 },
  );
}
