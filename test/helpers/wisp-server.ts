/**
 * Starts the real `wisp server` as a child process for integration tests and drives it with the
 * real kubectl on the PATH.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const WISP_BIN = join(REPO, 'cli/bin/wisp.ts');

export interface RunningServer {
  readonly dataDir: string;
  readonly url: string;
  readonly kubeconfig: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<number | null>;
}

export async function startWispServer(extraArgs: string[] = []): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wisp-it-'));
  const child = spawn(
    process.execPath,
    [WISP_BIN, 'server', '--data-dir', dataDir, '--port', '0', '--p2p-port', '0', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /ready at (https:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    dataDir,
    url,
    kubeconfig: join(dataDir, 'admin.kubeconfig'),
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((ok) => child.once('exit', (c) => ok(c)));
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real kubectl with its own cache dir, so discovery is read from our server. */
export function kubectl(kubeconfig: string, args: string[], input?: string): KubectlResult {
  const r = spawnSync(
    'kubectl',
    ['--kubeconfig', kubeconfig, '--cache-dir', join(kubeconfig, '..', 'kube-cache'), ...args],
    { input, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** kubectl that must succeed; throws with its output otherwise. */
export function kubectlOk(kubeconfig: string, args: string[], input?: string): string {
  const r = kubectl(kubeconfig, args, input);
  if (r.code !== 0) {
    throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}
