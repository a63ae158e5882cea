/**
 * bench/agent-footprint: the resident memory and CPU of an idle `wisp agent` child process,
 * joined to a `wisp server` child and holding its signed document, against an idle bare Node
 * process (`node -e "setInterval(() => {}, 1000)"`, the same binary) in the same run. Both are
 * sampled from /proc once a second over the idle window (Linux only); prints mean and peak RSS,
 * CPU time over the window, and the ratios.
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

function start(name: string, args: string[]): Child {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
const agentDir = join(root, 'agent');
const children: Child[] = [];
try {
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
  const token = wisp(['token', 'create', '--data-dir', serverDir]).trim();
  const agent = start('agent', [
    wispBin,
    ...['agent', '--data-dir', agentDir, '--server', url, '--token', token, '--name', 'edge-1'],
    ...['--listen', '/ip4/127.0.0.1/tcp/0'],
  ]);
  children.push(agent);
  const bare = start('bare node', ['-e', 'setInterval(() => {}, 1000)']);
  children.push(bare);
  // Joined, admitted over libp2p, and holding its signed document.
  await waitFor(
    'the agent holding its document',
    () => (existsSync(join(agentDir, 'state', 'desired.json')) ? true : undefined),
    children,
  );
  await clock.sleep(settleMs);
  const [agentFp, bareFp] = await measure([agent.process.pid!, bare.process.pid!]);
  report(agentFp, bareFp);
} finally {
  await Promise.all(children.map(stop));
  rmSync(root, { recursive: true, force: true });
}

function report(agentFp: Footprint, bareFp: Footprint): void {
  const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
  const cpu = (f: Footprint) =>
    `${(f.cpuSeconds * 1000).toFixed(0)} ms = ${((f.cpuSeconds / (idleMs / 1000)) * 100).toFixed(2)} %`;
  const line = (what: string, f: Footprint) =>
    console.log(
      `${what}: RSS mean ${mib(f.rssMeanBytes)} MiB  max ${mib(f.rssMaxBytes)} MiB   ` +
        `CPU ${cpu(f)} of one core`,
    );
  console.log(`bench/agent-footprint  idle=${idleMs} ms  node=${process.version}`);
  line('idle wisp agent', agentFp);
  line('idle bare node ', bareFp);
  const ratio = agentFp.rssMeanBytes / bareFp.rssMeanBytes;
  console.log(
    `ratio RSS agent/bare : ${ratio.toFixed(2)}  (target <= ${rssRatioTarget}) ` +
      `${ratio <= rssRatioTarget ? 'MET' : 'MISSED'}`,
  );
  const cpuRatio =
    bareFp.cpuSeconds > 0 ? (agentFp.cpuSeconds / bareFp.cpuSeconds).toFixed(1) : '∞';
  console.log(`ratio CPU agent/bare : ${cpuRatio}`);
}
