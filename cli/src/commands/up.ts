/**
 * `wisp up [--data-dir .wisp] [--agents 3] [--sites 2] [--port 6443] [--p2p-port 6445]
 * [--no-examples]`: a whole fleet on this machine — `wisp server` and N `wisp agent` processes
 * spread over S sites, as child processes — with progress while it starts, the examples deployed,
 * then the dashboard URL, a login token, the kubeconfig and commands to try. Ctrl-C stops every
 * process; running it again reuses the data dir (agents keep their identity, the token stays).
 * An agent that exits is reported and the rest keep running (that is how a node is "cut"); the
 * control plane exiting stops the fleet.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemClock, systemRandom } from '@wisp/core';
import { kubeClientFromKubeconfig } from '@wisp/testkit/kube-client/index.ts';
import { intFlag, parseFlags, UsageError } from '../flags.ts';
import { waitForSignal } from '../signals.ts';
import { ready, startChild, stopChild, WISP_BIN } from './up-children.ts';
import type { Child } from './up-children.ts';
import { deployExamples } from './up-examples.ts';
import { upGuide } from './up-guide.ts';
import { loadOrCreateLoginToken } from './up-login.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

export const upCommand = {
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags(args, {
      'data-dir': { type: 'string', default: '.wisp' },
      agents: { type: 'string' },
      sites: { type: 'string' },
      port: { type: 'string' },
      'p2p-port': { type: 'string' },
      'no-examples': { type: 'boolean', default: false },
    });
    const agents = intFlag(values.agents, 'agents', 3);
    const sites = intFlag(values.sites, 'sites', 2);
    if (agents > 0 && sites < 1) throw new UsageError('--sites must be at least 1');
    const clock = systemClock();
    const dir = resolve(values['data-dir']!);
    const serverDir = join(dir, 'server');
    await mkdir(serverDir, { recursive: true, mode: 0o700 });
    const children: Child[] = [];
    const stopAll = () => Promise.all(children.map((c) => stopChild(c, clock)));
    try {
      await ensureDashboard();
      step('control plane', 'starting');
      const server = startChild('server', [
        'server',
        ...['--data-dir', serverDir],
        ...['--port', String(intFlag(values.port, 'port', 6443))],
        ...['--p2p-port', String(intFlag(values['p2p-port'], 'p2p-port', 6445))],
      ]);
      children.push(server);
      const url = (await ready(server, /ready at (https:\/\/\S+)/, clock))[1];
      step('control plane', `ready at ${url}`);
      const kubeconfig = join(dir, 'admin.kubeconfig');
      await copyFile(join(serverDir, 'admin.kubeconfig'), kubeconfig);
      const token = await loadOrCreateLoginToken(
        { upDir: dir, serverDir },
        { clock, random: systemRandom() },
      );
      children.push(...startAgents({ dir, serverDir, url, agents, sites }));
      for (const agent of children.slice(1)) {
        await ready(agent, /running/, clock);
        step(agent.name, 'ready');
      }
      const examples = values['no-examples'] ? [] : await examplesStep(kubeconfig);
      process.stdout.write(upGuide({ url, token, kubeconfig, examples }));
      await untilStopped(server, children.slice(1));
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

function startAgents(o: {
  dir: string;
  serverDir: string;
  url: string;
  agents: number;
  sites: number;
}): Child[] {
  const out: Child[] = [];
  for (let i = 1; i <= o.agents; i++) {
    const name = `edge-${i}`;
    const site = `site-${String.fromCharCode(96 + (((i - 1) % o.sites) + 1))}`;
    const agentDir = join(o.dir, name);
    // A joined agent keeps its identity; only a new one needs a token.
    const joined = existsSync(join(agentDir, 'pki', 'join.json'));
    const token = joined ? [] : ['--token', createJoinToken(o.serverDir, site)];
    step(name, `starting in ${site}`);
    out.push(
      startChild(name, [
        'agent',
        ...['--data-dir', agentDir, '--server', o.url, '--name', name, '--site', site],
        ...token,
        ...['--listen', '/ip4/127.0.0.1/tcp/0'],
        // Each agent's NodePorts on an address of its own: every agent listens on every NodePort.
        ...['--node-ip', `127.0.1.${i}`],
      ]),
    );
  }
  return out;
}

/** Until Ctrl-C or the control plane exits; a lost agent is only reported. */
async function untilStopped(server: Child, agents: Child[]): Promise<void> {
  for (const a of agents) a.process.once('exit', (code) => step(a.name, `exited (${code})`));
  await Promise.race([
    waitForSignal(),
    new Promise((ok) => server.process.once('exit', () => ok(step(server.name, 'exited')))),
  ]);
}

function createJoinToken(serverDir: string, site: string): string {
  const r = spawnSync(
    process.execPath,
    [WISP_BIN, 'token', 'create', '--data-dir', serverDir, '--site', site, '--ttl', '1h'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`wisp token create failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Builds the dashboard when its files are missing (a fresh clone); says so when it cannot. */
async function ensureDashboard(): Promise<void> {
  const build = await import('@wisp/dashboard/build.ts');
  if (existsSync(join(build.defaultDistDir, 'index.html'))) return;
  step('dashboard', 'building');
  try {
    const r = await build.buildDashboard();
    step('dashboard', `built (${Math.round(r.gzipBytes / 1024)} KB gzipped)`);
  } catch (e) {
    step('dashboard', `not built: ${(e as Error).message} (npm run build:dashboard)`);
  }
}

/** Deploys the examples; returns one line each for the guide. Never fails the fleet. */
async function examplesStep(kubeconfigPath: string): Promise<string[]> {
  step('examples', 'deploying');
  const client = kubeClientFromKubeconfig(await readFile(kubeconfigPath, 'utf8'));
  try {
    const results = await deployExamples(
      { examplesDir: join(repoRoot, 'examples') },
      { client, buildExamples: await loadExamplesBuilder() },
    );
    const lines = results.map((r) =>
      r.skipped ? `${r.name}: not deployed: ${r.skipped}` : `${r.name}: ${r.applied.join(', ')}`,
    );
    for (const l of lines) step('examples', l);
    if (lines.length === 0) step('examples', 'none found');
    return lines;
  } catch (e) {
    const line = `not deployed: ${(e as Error).message}`;
    step('examples', line);
    return [line];
  } finally {
    client.close();
  }
}

/** `scripts/build-examples.ts`'s exported builder, when that script exists. */
async function loadExamplesBuilder(): Promise<(() => Promise<unknown>) | undefined> {
  const path = join(repoRoot, 'scripts', 'build-examples.ts');
  if (!existsSync(path)) return undefined;
  const mod = (await import(path)) as Record<string, unknown>;
  const fn = mod.buildExamples ?? mod.buildAllExamples ?? mod.default;
  if (typeof fn !== 'function') return undefined;
  return () => (fn as () => Promise<unknown>)();
}
