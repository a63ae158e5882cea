/**
 * A real OCI registry for integration tests: Debian's `docker-registry` (distribution 2.8) with
 * filesystem storage in a temporary directory, on a free loopback port, without auth.
 *
 *   const registry = await startRegistry();   // throws RegistryUnavailableError if not installed
 *   await pushComponent(file, `${registry.host}/hello:v1`, {}, { clock });
 *   await registry.stop();
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '@wisp/core';

export const registryBinary = '/usr/bin/docker-registry';
export const registryStartTimeoutMs = 15_000;
export const registryStopTimeoutMs = 5_000;
/** How long `settledOutput` waits for its own request to be logged. */
export const registryLogWaitMs = 5_000;
const pollIntervalMs = 50;

export interface RegistryInit {
  /** Storage root; a temporary directory (removed on stop) when omitted. */
  readonly dir?: string;
  readonly clock?: Clock;
}

export interface RunningRegistry {
  /** `127.0.0.1:PORT`, as an image reference's registry part. */
  readonly host: string;
  /** Everything the registry wrote to stdout and stderr so far. */
  output(): string;
  /**
   * The output once a request made now has reached the access log. The registry logs a request
   * after answering it, and its output reaches us through a pipe, so a request answered just
   * before `output()` may not be there yet; one answered before this call is.
   */
  settledOutput(): Promise<string>;
  stop(): Promise<void>;
}

/** The registry binary is not installed; outside CI, callers skip with this message. */
export class RegistryUnavailableError extends Error {
  override name = 'RegistryUnavailableError';
  constructor() {
    super(`${registryBinary} not found: install Debian's docker-registry`);
  }
}

export function registryAvailable(): boolean {
  return existsSync(registryBinary);
}

export async function startRegistry(init: RegistryInit = {}): Promise<RunningRegistry> {
  if (!registryAvailable()) throw new RegistryUnavailableError();
  const clock = init.clock ?? systemClock();
  const ownDir = init.dir === undefined;
  const dir = init.dir ?? (await mkdtemp(join(tmpdir(), 'wisp-registry-')));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  await mkdir(dir, { recursive: true });
  const config = join(dir, 'config.yml');
  await writeFile(config, registryConfig(join(dir, 'storage'), host));
  const child = spawn(registryBinary, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));

  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = clock.setTimeout(() => child.kill('SIGKILL'), registryStopTimeoutMs);
      await exited;
      clock.clearTimeout(timer);
    }
    if (ownDir) await rm(dir, { recursive: true, force: true });
  }

  try {
    await waitReady(`http://${host}/v2/`, clock, () => child.exitCode !== null);
  } catch (e) {
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${out}`, { cause: e });
  }
  let marks = 0;
  async function settledOutput(): Promise<string> {
    const mark = `/v2/?wisp-log-mark=${++marks}`;
    const res = await fetch(`http://${host}${mark}`, {
      signal: clock.timeoutSignal(registryLogWaitMs),
    });
    await res.arrayBuffer();
    const deadline = clock.monotonic() + registryLogWaitMs;
    while (!out.includes(`GET ${mark} `)) {
      if (clock.monotonic() > deadline) {
        throw new Error(`docker-registry did not log ${mark} within ${registryLogWaitMs} ms`);
      }
      await clock.sleep(pollIntervalMs);
    }
    return out;
  }

  return { host, output: () => out, settledOutput, stop };
}

function registryConfig(storage: string, host: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(storage)}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    '',
  ].join('\n');
}

async function waitReady(url: string, clock: Clock, died: () => boolean): Promise<void> {
  const deadline = clock.monotonic() + registryStartTimeoutMs;
  while (clock.monotonic() < deadline) {
    if (died()) throw new Error('docker-registry exited during start-up');
    const ok = await fetch(url, { signal: clock.timeoutSignal(1_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await clock.sleep(pollIntervalMs);
  }
  throw new Error(`docker-registry did not answer ${url} within ${registryStartTimeoutMs} ms`);
}

/** A port the kernel just handed out; released for the registry to bind (a small race). */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}
