/**
 * `wisp up [--data-dir .wisp] [--agents 3] [--sites 2] [--port 6443] [--p2p-port 6445]`: a whole
 * fleet on this machine — `wisp server` and N `wisp agent` processes spread over S sites, as
 * child processes — with progress while it starts, then the URL, kubeconfig and commands to try.
 * Ctrl-C stops every process; running it again reuses the data dir (agents keep their identity).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { systemClock } from '@wisp/core';
import { intFlag, parseFlags, UsageError } from '../flags.ts';
import { waitForSignal } from '../signals.ts';

const WISP_BIN = resolve(import.meta.dirname, '../../bin/wisp.ts');
const clock = systemClock();

/** How long one process may take to say it is ready. */
const READY_TIMEOUT_MS = 60_000;
/** How long a process may take to stop after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 10_000;

interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  output: string;
}

export const upCommand = {
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags(args, {
      'data-dir': { type: 'string', default: '.wisp' },
      agents: { type: 'string' },
      sites: { type: 'string' },
      port: { type: 'string' },
      'p2p-port': { type: 'string' },
    });
    const agents = intFlag(values.agents, 'agents', 3);
    const sites = intFlag(values.sites, 'sites', 2);
    if (agents > 0 && sites < 1) throw new UsageError('--sites must be at least 1');
    const dir = resolve(values['data-dir']!);
    const serverDir = join(dir, 'server');
    await mkdir(serverDir, { recursive: true, mode: 0o700 });
    const children: Child[] = [];
    const stopAll = () => Promise.all(children.map(stop));
    try {
      step('control plane', 'starting');
      const server = start('server', [
        'server',
        ...['--data-dir', serverDir],
        ...['--port', String(intFlag(values.port, 'port', 6443))],
        ...['--p2p-port', String(intFlag(values['p2p-port'], 'p2p-port', 6445))],
      ]);
      children.push(server);
      const url = (await ready(server, /ready at (https:\/\/\S+)/))[1];
      step('control plane', `ready at ${url}`);
      const kubeconfig = join(dir, 'admin.kubeconfig');
      await copyFile(join(serverDir, 'admin.kubeconfig'), kubeconfig);
      for (let i = 1; i <= agents; i++) {
        const name = `edge-${i}`;
        const site = `site-${String.fromCharCode(96 + (((i - 1) % sites) + 1))}`;
        const agentDir = join(dir, name);
        // A joined agent keeps its identity; only a new one needs a token.
        const joined = existsSync(join(agentDir, 'pki', 'join.json'));
        const token = joined ? [] : ['--token', createToken(serverDir, site)];
        step(name, `starting in ${site}`);
        const agent = start(name, [
          'agent',
          ...['--data-dir', agentDir, '--server', url, '--name', name, '--site', site],
          ...token,
          ...['--listen', '/ip4/127.0.0.1/tcp/0'],
        ]);
        children.push(agent);
      }
      for (const agent of children.slice(1)) {
        await ready(agent, /running/);
        step(agent.name, 'ready');
      }
      process.stdout.write(guide(url, kubeconfig));
      await Promise.race([
        waitForSignal(),
        ...children.map(
          (c) => new Promise((ok) => c.process.once('exit', () => ok(step(c.name, 'exited')))),
        ),
      ]);
      process.stdout.write('wisp up: stopping\n');
      await stopAll();
      return 0;
    } catch (e) {
      await stopAll();
      throw e;
    }
  },
};

function step(component: string, what: string): void {
  process.stdout.write(`  ${component.padEnd(14)} ${what}\n`);
}

function start(name: string, args: string[]): Child {
  const child: Child = {
    name,
    process: spawn(process.execPath, [WISP_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }),
    output: '',
  };
  child.process.stdout!.on('data', (d) => (child.output += d));
  child.process.stderr!.on('data', (d) => (child.output += d));
  return child;
}

function ready(child: Child, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((ok, fail) => {
    const timer = clock.setTimeout(
      () =>
        fail(new Error(`${child.name} not ready after ${READY_TIMEOUT_MS} ms:\n${child.output}`)),
      READY_TIMEOUT_MS,
    );
    const check = () => {
      const m = pattern.exec(child.output);
      if (!m) return;
      clock.clearTimeout(timer);
      child.process.stdout!.off('data', check);
      ok(m);
    };
    child.process.stdout!.on('data', check);
    child.process.once('exit', (code) => {
      clock.clearTimeout(timer);
      fail(new Error(`${child.name} exited with ${code}:\n${child.output}`));
    });
    check();
  });
}

async function stop(child: Child): Promise<void> {
  const p = child.process;
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((ok) => p.once('exit', ok));
  p.kill('SIGTERM');
  const timer = clock.setTimeout(() => p.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clock.clearTimeout(timer);
}

function createToken(serverDir: string, site: string): string {
  const r = spawnSync(
    process.execPath,
    [WISP_BIN, 'token', 'create', '--data-dir', serverDir, '--site', site, '--ttl', '1h'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`wisp token create failed: ${r.stderr}`);
  return r.stdout.trim();
}

function guide(url: string, kubeconfig: string): string {
  return [
    '',
    `Wisp is up: ${url}`,
    `kubeconfig: ${kubeconfig}`,
    '',
    'Try it (Ctrl-C stops every process; state stays in the data dir):',
    `  export KUBECONFIG=${kubeconfig}`,
    '  kubectl get nodes -L topology.kubernetes.io/zone',
    '  kubectl create deployment hello --image=registry.local/hello:1 --replicas=4',
    '  kubectl get pods -o wide -w',
    '',
  ].join('\n');
}
