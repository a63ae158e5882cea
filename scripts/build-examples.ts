/**
 * Builds the example components from source into `examples/<name>/dist/` and prints their sizes
 * and digests; `dist/image.txt` holds the `file://…@sha256:…` reference `wisp up` deploys.
 * An example whose sources (and tools) are unchanged is skipped. Needs Debian's clang, lld,
 * wasi-libc and libclang-rt-14-dev-wasm32 for the C example; a missing one is named.
 *
 *   npm run build:examples
 *   npm run build:examples -- --force      # rebuild even when current
 *
 * `wisp up` imports `buildExamples` from here (the logic lives in @wisp/testkit, which the
 * integration tests share through `ensureExamples()`).
 */
import { parseArgs } from 'node:util';
import { buildExamples, type ExampleBuild } from '@wisp/testkit/wasm-examples.ts';
import { WasmToolMissingError } from '@wisp/testkit/wasm-toolchain.ts';

export { buildExamples };
export type { ExampleBuild };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });
  try {
    const log = (line: string) => console.log(line);
    const results = await buildExamples({ force: values.force, log });
    for (const r of results) console.log(`${r.name}: ${r.ref}`);
  } catch (e) {
    if (!(e instanceof WasmToolMissingError)) throw e;
    console.error(`build:examples: ${e.message}`);
    process.exit(1);
  }
}

if (import.meta.main) await main();
