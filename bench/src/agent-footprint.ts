/**
 * bench/agent-footprint: the resident memory and CPU of idle `wisp agent` child processes,
 * joined to a `wisp server` child and holding their signed documents, against idle bare Node
 * processes (`node -e "setInterval(() => {}, 1000)"`, the same binary) in the same run. Two
 * agents: from source (`node cli/bin/wisp.ts agent`, as `npm start` runs it) and from the
 * firmware bundle through its launcher (as a device runs it, with the device V8 flags); two bare
 * Nodes: plain and with those flags. All are sampled from /proc once a second over one idle
 * window (Linux only); prints mean and peak RSS, CPU time over the window, and the ratios.
 *
 *   node bench/src/agent-footprint.ts --idle-ms 20000
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '@wisp/core';

const { values } = parseArgs({
  options: {
    'idle-ms': { type: 'string', default: '20000' },
    /** Let both processes finish starting (JIT, first GCs) before the window opens. */
    'settle-ms': { type: 'string', default: '5000' },
    'sample-interval-ms': { type: 'string', default: '1000' },
    'ready-timeout-ms': { type: 'string', default: '60000' },
  },
});
const idleMs = Number(values['idle-ms']);
const settleMs = Number(values['settle-ms']);
const sampleIntervalMs = Number(values['sample-interval-ms']);
const readyTimeoutMs = Number(values['ready-timeout-ms']);
const rssRatioTarget = 2;
const clock = systemClock();
const wispBin = resolve(import.meta.dirname, '../../cli/bin/wisp.ts');
const clockTicksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout);

interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  output: string;
}

/** Runs `node ARGS`, or `COMMAND ARGS` (a launcher script) with WISP_NODE set to this node. */
function start(name: string, args: string[], command?: string): Child {
  const proc = command
    ? spawn(command, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, WISP_NODE: process.execPath },
      })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const child: Child = { name, process: proc, output: '' };
  proc.stdout!.on('data', (d) => (child.output += d));
  proc.stderr!.on('data', (d) => (child.output += d));
  return child;
}

async function stop(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((ok) => child.process.once('exit', ok));
  child.process.kill('SIGTERM');
  const stopKill = new AbortController();
  const killed = clock.sleep(10_000, stopKill.signal).then(
    () => child.process.kill('SIGKILL'),
    () => {},
  );
  await Promise.race([exited, killed]);
  stopKill.abort();
}

async function waitFor<T>(what: string, probe: () => T | undefined, from: Child[]): Promise<T> {
  const until = clock.monotonic() + readyTimeoutMs;
  while (clock.monotonic() < until) {
    const value = probe();
    if (value !== undefined) return value;
    await clock.sleep(100);
  }
  const logs = from.map((c) => `--- ${c.name}\n${c.output.slice(-2000)}`).join('\n');
  throw new Error(`${what}: not within ${readyTimeoutMs} ms\n${logs}`);
}

interface Sample {
  readonly rssBytes: number;
  /** User plus system CPU, in seconds since the process started. */
  readonly cpuSeconds: number;
}

function sample(pid: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssBytes: rssKiB * 1024, cpuSeconds: ticks / clockTicksPerSecond };
}

interface Footprint {
  readonly rssMeanBytes: number;
  readonly rssMaxBytes: number;
  readonly cpuSeconds: number;
}

/** Samples every process at once each interval, so both see the same idle window. */
async function measure(pids: readonly number[]): Promise<Footprint[]> {
  const series: Sample[][] = pids.map(() => []);
  const started = clock.monotonic();
  for (;;) {
    pids.forEach((pid, i) => series[i].push(sample(pid)));
    if (clock.monotonic() - started >= idleMs) break;
    await clock.sleep(sampleIntervalMs);
  }
  return series.map((s) => {
    const rss = s.map((x) => x.rssBytes);
    return {
      rssMeanBytes: rss.reduce((a, b) => a + b, 0) / rss.length,
      rssMaxBytes: Math.max(...rss),
      cpuSeconds: s[s.length - 1].cpuSeconds - s[0].cpuSeconds,
    };
  });
}

function wisp(args: string[]): string {
  const r = spawnSync(process.execPath, [wispBin, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`wisp ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

const root = mkdtempSync(join(tmpdir(), 'wisp-bench-footprint-'));
const serverDir = join(root, 'server');
const children: Child[] = [];
try {
  // Inside the repo, so the packages the bundle leaves external resolve from its node_modules.
  const bundleDir = resolve(import.meta.dirname, '../../firmware-images/dist/bench-footprint');
  bundle(bundleDir);
  const server = start('server', [
    wispBin,
    ...['server', '--data-dir', serverDir, '--port', '0', '--p2p-port', '0'],
  ]);
  children.push(server);
  const url = await waitFor(
    'wisp server ready',
    () => /ready at (https:\/\/\S+)/.exec(server.output)?.[1],
    children,
  );
  const agentArgs = (name: string) => {
    const token = wisp(['token', 'create', '--data-dir', serverDir]).trim();
    const dataDir = join(root, name);
    return [
      ...['agent', '--data-dir', dataDir, '--server', url, '--token', token, '--name', name],
      ...['--listen', '/ip4/127.0.0.1/tcp/0'],
    ];
  };
  // The agent as `npm start` runs it (TypeScript stripped at load), and as a device runs it:
  // the firmware bundle through its launcher, which adds the device V8 flags.
  const devAgent = start('agent (source)', [wispBin, ...agentArgs('edge-src')]);
  const deviceAgent = start('agent (bundle)', agentArgs('edge-bundle'), join(bundleDir, 'wisp'));
  const bare = start('bare node', ['-e', 'setInterval(() => {}, 1000)']);
  const bareFlags = start('bare node + flags', [
    ...deviceFlags(bundleDir),
    '-e',
    'setInterval(() => {}, 1000)',
  ]);
  children.push(devAgent, deviceAgent, bare, bareFlags);
  // Joined, admitted over libp2p, and holding their signed documents.
  for (const name of ['edge-src', 'edge-bundle']) {
    await waitFor(
      `${name} holding its document`,
      () => (existsSync(join(root, name, 'state', 'desired.json')) ? true : undefined),
      children,
    );
  }
  await clock.sleep(settleMs);
  const fps = await measure([devAgent, deviceAgent, bare, bareFlags].map((c) => c.process.pid!));
  report(fps);
} finally {
  await Promise.all(children.map(stop));
  rmSync(root, { recursive: true, force: true });
}

function bundle(outDir: string): void {
  const script = resolve(import.meta.dirname, '../../firmware-images/bundle.ts');
  const r = spawnSync(process.execPath, [script, '--out', outDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundling failed:\n${r.stderr}${r.stdout}`);
}

/** The flags the bundle's launcher passes to node (its exec line). */
function deviceFlags(bundleDir: string): string[] {
  const launcher = readFileSync(join(bundleDir, 'wisp'), 'utf8');
  return [...launcher.matchAll(/ (--[a-z0-9-]+(?:=\S+)?)/g)].map((m) => m[1]);
}

function report([dev, device, bare, bareFlags]: Footprint[]): void {
  const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
  const cpu = (f: Footprint) =>
    `${(f.cpuSeconds * 1000).toFixed(0)} ms = ${((f.cpuSeconds / (idleMs / 1000)) * 100).toFixed(2)} %`;
  const line = (what: string, f: Footprint) =>
    console.log(
      `${what.padEnd(26)}: RSS mean ${mib(f.rssMeanBytes)} MiB  max ${mib(f.rssMaxBytes)} MiB   ` +
        `CPU ${cpu(f)} of one core`,
    );
  console.log(`bench/agent-footprint  idle=${idleMs} ms  node=${process.version}`);
  line('idle wisp agent (source)', dev);
  line('idle wisp agent (bundle)', device);
  line('idle bare node', bare);
  line('idle bare node + flags', bareFlags);
  const ratio = (what: string, a: Footprint, b: Footprint, target?: number) => {
    const r = a.rssMeanBytes / b.rssMeanBytes;
    const verdict =
      target === undefined ? '' : ` (target <= ${target}) ${r <= target ? 'MET' : 'MISSED'}`;
    console.log(`ratio RSS ${what.padEnd(34)}: ${r.toFixed(2)}${verdict}`);
  };
  ratio('bundle agent / bare node', device, bare, rssRatioTarget);
  ratio('bundle agent / bare node + flags', device, bareFlags, rssRatioTarget);
  ratio('source agent / bare node', dev, bare);
  const cpuRatio = bare.cpuSeconds > 0 ? (device.cpuSeconds / bare.cpuSeconds).toFixed(1) : '∞';
  console.log(`ratio CPU bundle agent / bare node   : ${cpuRatio}`);
}
