/**
 * A fleet of real processes for integration tests: `wisp server` and `wisp agent` children on
 * loopback, polled with bounded waits that fail with what the children printed.
 *
 *   const fleet = new Fleet(root);
 *   const url = await fleet.startServer();
 *   fleet.startAgent('edge-1', url, fleet.token());
 *   await fleet.eventually('ready', () => probe());
 *   await fleet.stopAll();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeEnvelope, fromBase64 } from '@wisp/api/wire/envelope.ts';
import { decodeWireMessage, type NodeDesired } from '@wisp/api/wire/messages.ts';
import { WISP_BIN } from './wisp-server.ts';

export const eventuallyDeadlineMs = 60_000;
const pollMs = 250;
const stopGraceMs = 10_000;

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  output: string;
}

export function startChild(name: string, args: string[]): Child {
  const process_ = spawn(process.execPath, [WISP_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: Child = { name, process: process_, output: '' };
  process_.stdout!.on('data', (d) => (child.output += d));
  process_.stderr!.on('data', (d) => (child.output += d));
  return child;
}

export function isRunning(child: Child): boolean {
  return child.process.exitCode === null && child.process.signalCode === null;
}

/** SIGTERM, then SIGKILL after `stopGraceMs`. */
export async function stopChild(child: Child): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise((ok) => child.process.once('exit', ok));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), stopGraceMs);
  await exited;
  clearTimeout(timer);
}

/** A TCP port free right now on loopback (for a server that must come back on the same port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Runs `wisp ARGS` to completion; throws with its output on failure. */
export function wisp(args: string[]): string {
  const r = spawnSync(process.execPath, [WISP_BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`wisp ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** `10.42.1.0/24` holds `10.42.1.7`. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
}

/** The agent's kept signed document (`state/desired.json`), decoded without verifying. */
export function readDesired(agentDir: string): NodeDesired {
  const bytes = readFileSync(join(agentDir, 'state', 'desired.json'));
  return decodeWireMessage(fromBase64(decodeEnvelope(bytes).payload)!, 'NodeDesired');
}

export interface LocalPod {
  readonly uid: string;
  readonly name: string;
  readonly podIp: string;
  readonly phase?: string;
  readonly sandbox?: { readonly id: string };
}

/** The agent's own record of its pods (`state/pods.json`). */
export function readLocalPods(agentDir: string): LocalPod[] {
  const text = readFileSync(join(agentDir, 'state', 'pods.json'), 'utf8');
  return (JSON.parse(text) as { pods: LocalPod[] }).pods;
}

export class Fleet {
  readonly root: string;
  readonly serverDir: string;
  readonly children: Child[] = [];
  readonly #agents = new Map<string, Child>();
  #server: Child | undefined;

  constructor(root: string) {
    this.root = root;
    this.serverDir = join(root, 'server');
  }

  get kubeconfig(): string {
    return join(this.serverDir, 'admin.kubeconfig');
  }

  agentDir(name: string): string {
    return join(this.root, name);
  }

  agent(name: string): Child {
    const child = this.#agents.get(name);
    if (!child) throw new Error(`no agent ${name}`);
    return child;
  }

  /** Starts `wisp server` on the fleet's data dir; resolves with its HTTPS URL once ready. */
  async startServer(ports: { port?: number; p2pPort?: number } = {}): Promise<string> {
    const server = startChild('server', [
      'server',
      ...['--data-dir', this.serverDir],
      ...['--port', String(ports.port ?? 0), '--p2p-port', String(ports.p2pPort ?? 0)],
    ]);
    this.#server = server;
    this.children.push(server);
    return this.eventually(
      'wisp server ready',
      () => /ready at (https:\/\/\S+)/.exec(server.output)?.[1],
    );
  }

  async stopServer(): Promise<void> {
    if (this.#server) await stopChild(this.#server);
  }

  token(): string {
    return wisp(['token', 'create', '--data-dir', this.serverDir]).trim();
  }

  /** Starts `wisp agent NAME` with its own data dir under the fleet's root. */
  startAgent(name: string, url: string, token: string | undefined, extra: string[] = []): Child {
    const agent = startChild(name, [
      'agent',
      ...['--data-dir', this.agentDir(name), '--server', url, '--name', name],
      ...(token ? ['--token', token] : []),
      ...['--listen', '/ip4/127.0.0.1/tcp/0'],
      ...extra,
    ]);
    this.#agents.set(name, agent);
    this.children.push(agent);
    return agent;
  }

  /** The agent's dialable addresses, as it printed them. */
  async agentAddresses(name: string): Promise<string[]> {
    const agent = this.agent(name);
    const line = await this.eventually(
      `${name} printed its addresses`,
      () => /^p2p: (.+)$/m.exec(agent.output)?.[1],
    );
    return line.trim().split(/\s+/);
  }

  /** Polls `probe` until it returns a value, or fails with what the children printed. */
  async eventually<T>(
    what: string,
    probe: () => T | undefined,
    deadlineMs: number = eventuallyDeadlineMs,
  ): Promise<T> {
    const until = performance.now() + deadlineMs;
    let last: unknown;
    while (performance.now() < until) {
      try {
        const value = probe();
        if (value !== undefined) return value;
      } catch (e) {
        last = e;
      }
      await sleep(pollMs);
    }
    const logs = this.children.map((c) => `--- ${c.name}\n${c.output.slice(-3000)}`).join('\n');
    throw new Error(`timed out after ${deadlineMs} ms: ${what} (${String(last ?? '')})\n${logs}`);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.children.map(stopChild));
  }
}
