import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerWriter } from './store-writer.ts';

const STORE_MODULE = new URL('./sqlite-store.ts', import.meta.url).href;

/**
 * Runs a module script in a fresh process with nothing but the store to keep it alive. From a
 * file, not `-e`: a worker inherits the process's flags, and `--input-type` is refused there.
 */
async function runChild(
  dir: string,
  script: string,
): Promise<{ code: number | null; stdout: string }> {
  const file = join(dir, 'child.mjs');
  await writeFile(file, script);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout };
}

describe('WorkerWriter', () => {
  it('settles close() when nothing else keeps the process alive', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wisp-store-writer-'));
    try {
      const path = JSON.stringify(join(dir, 'state.db'));
      const { code, stdout } = await runChild(
        dir,
        `
        import { openSqliteStore } from ${JSON.stringify(STORE_MODULE)};
        const store = openSqliteStore({ path: ${path} });
        await store.create('/k/a', 'v');
        await store.close();
        console.log('closed');
      `,
      );
      assert.equal(code, 0);
      assert.equal(stdout.trim(), 'closed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lets the process exit while an open store sits idle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wisp-store-writer-'));
    try {
      const path = JSON.stringify(join(dir, 'state.db'));
      const { code, stdout } = await runChild(
        dir,
        `
        import { openSqliteStore } from ${JSON.stringify(STORE_MODULE)};
        const store = openSqliteStore({ path: ${path} });
        console.log(await store.create('/k/a', 'v'));
      `,
      );
      assert.equal(code, 0);
      assert.equal(stdout.trim(), '1');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails writes with ERR_STORE_UNAVAILABLE when its thread cannot open the database', async () => {
    const writer = new WorkerWriter({ path: '/nonexistent-wisp-dir/state.db', busyTimeoutMs: 0 });
    const command = { kind: 'record-compact', revision: 1 } as const;
    await assert.rejects(writer.run(command), { code: 'ERR_STORE_UNAVAILABLE' });
    await assert.rejects(writer.run(command), { code: 'ERR_STORE_UNAVAILABLE' });
    await writer.close();
  });
});
