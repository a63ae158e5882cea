/**
 * The control plane in this process, on SQLite in a temporary directory, with a FakeClock the
 * test advances, plus fake agents and an asynchronous kubectl. The real kubectl must not be run
 * with spawnSync here: it would block the event loop that serves its own requests.
 *
 *   const s = await startInProcessServer({ controllers: {} });
 *   const agent = s.agent({ nodeName: 'edge-a-1', site: 'a', podCidr: '10.42.1.0/24' });
 *   await agent.start();
 *   await s.waitFor('the pod runs', async () => isRunning(await s.client.get(PODS, 'ns', 'p')));
 *   await s.stop();
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom, systemClock } from '@wisp/core';
import { createControlPlane } from '@wisp/controlplane/control-plane.ts';
import type { ControlPlane } from '@wisp/controlplane/control-plane.ts';
import type { ControllerManagerInit } from '@wisp/controlplane/controllers/manager.ts';
import { openSqliteStore } from '@wisp/controlplane/store/sqlite-store.ts';
import { FakeClock } from '@wisp/testkit';
import { kubeClientFromKubeconfig } from '@wisp/testkit/kube-client/index.ts';
import type { KubeClient } from '@wisp/testkit/kube-client/index.ts';
import { createFakeAgent, PodRules } from '@wisp/testkit/fake-agent/index.ts';
import type { FakeAgent, FakeAgentInit } from '@wisp/testkit/fake-agent/index.ts';
import type { KubectlResult } from './wisp-server.ts';

export interface InProcessServerOptions {
  /**
   * The scheduler and controllers (the control plane's controller manager); unset or `false`
   * runs the apiserver alone, and tests bind pods themselves.
   */
  readonly controllers?: ControllerManagerInit | false;
  readonly seed?: number;
  /**
   * Where the FakeClock starts. By default an hour before the real time: certificates are
   * valid, and kubectl (which ages objects by its real clock) never sees them in the future.
   */
  readonly nowMs?: number;
}

export interface WaitOptions {
  /** Fake time advanced before each check. */
  readonly stepMs?: number;
  /** Real time allowed before giving up. */
  readonly deadlineMs?: number;
  /** Real pause between checks, so sockets and child processes make progress. */
  readonly pauseMs?: number;
}

export interface InProcessServer {
  readonly cp: ControlPlane;
  readonly clock: FakeClock;
  readonly dataDir: string;
  /** Path of an admin (system:masters) kubeconfig. */
  readonly kubeconfig: string;
  /** An admin client; closed by `stop()`. */
  readonly client: KubeClient;
  /** Shared by every agent made with `agent()`. */
  readonly rules: PodRules;
  /** A fake agent on this server's clock with its own admin client; stopped by `stop()`. */
  agent(init: FakeAgentInit): FakeAgent;
  /** Advances fake time in steps until `check` returns a value other than undefined/false. */
  waitFor<T>(
    what: string,
    check: () => Promise<T | undefined | false> | T | undefined | false,
    options?: WaitOptions,
  ): Promise<T>;
  /** Advances fake time in steps while `work` is pending (kubectl waiting on the cluster). */
  drive<T>(work: Promise<T>, options?: WaitOptions): Promise<T>;
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  kubectlOk(args: string[], input?: string): Promise<string>;
  stop(): Promise<void>;
}

const DEFAULT_WAIT = { stepMs: 100, deadlineMs: 60_000, pauseMs: 5 };
const START_BEHIND_REAL_MS = 3_600_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** One check of `waitFor` that does not answer in this long counts as failed. */
const CHECK_TIMEOUT_MS = 30_000;

export async function startInProcessServer(
  options: InProcessServerOptions = {},
): Promise<InProcessServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wisp-inproc-'));
  const clock = new FakeClock({ nowMs: options.nowMs ?? Date.now() - START_BEHIND_REAL_MS });
  const store = openSqliteStore({ path: join(dataDir, 'state.db'), clock });
  const cp = createControlPlane(
    { dataDir, port: 0, controllers: options.controllers ?? false },
    { clock, random: seededRandom(options.seed ?? 1), store },
  );
  await cp.start();
  const kubeconfigText = await cp.kubeconfig({ user: 'admin', groups: ['system:masters'] });
  const kubeconfig = join(dataDir, 'admin.kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText, { mode: 0o600 });
  const clients: KubeClient[] = [];
  // Requests are bounded in real time: a hung answer fails the test instead of stalling it.
  const realClock = systemClock();
  const newClient = () => {
    const c = kubeClientFromKubeconfig(kubeconfigText, {
      clock: realClock,
      overrides: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
    });
    clients.push(c);
    return c;
  };
  const client = newClient();
  const rules = new PodRules();
  const agents: FakeAgent[] = [];

  async function waitFor<T>(
    what: string,
    check: () => Promise<T | undefined | false> | T | undefined | false,
    o: WaitOptions = {},
  ): Promise<T> {
    const { stepMs, deadlineMs, pauseMs } = { ...DEFAULT_WAIT, ...o };
    const deadline = Date.now() + deadlineMs;
    let last: unknown;
    for (;;) {
      try {
        const v = await withinRealTime(Promise.resolve(check()), CHECK_TIMEOUT_MS, what);
        if (v !== undefined && v !== false) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) {
        const why = last instanceof Error ? `; last error: ${last.message}` : '';
        throw new Error(`timed out waiting until ${what}${why}`);
      }
      await clock.advanceAsync(stepMs);
      await new Promise((ok) => setTimeout(ok, pauseMs));
    }
  }

  async function drive<T>(work: Promise<T>, o: WaitOptions = {}): Promise<T> {
    let done = false;
    const settled = work.finally(() => (done = true));
    await waitFor('the command finishes', () => done, o).catch(() => {});
    return settled;
  }

  const run = (args: string[], input?: string) => kubectlAsync(kubeconfig, args, input);
  return {
    cp,
    clock,
    dataDir,
    kubeconfig,
    client,
    rules,
    agent(agentInit) {
      const a = createFakeAgent(agentInit, {
        client: newClient(),
        clock,
        rules,
        log: (m, e) => console.error(`fake-agent ${agentInit.nodeName}: ${m}`, e ?? ''),
      });
      agents.push(a);
      return a;
    },
    waitFor,
    drive,
    kubectl: run,
    async kubectlOk(args, input) {
      const r = await run(args, input);
      if (r.code !== 0) {
        throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
      }
      return r.stdout;
    },
    async stop() {
      for (const a of agents) await a.stop();
      await cp.stop();
      for (const c of clients) c.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function withinRealTime<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_ok, fail) => {
    timer = setTimeout(() => fail(new Error(`a check of "${what}" took over ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Runs the real kubectl without blocking this process's event loop. */
export function kubectlAsync(
  kubeconfig: string,
  args: string[],
  input?: string,
  timeoutMs = 120_000,
): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = spawn(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', join(kubeconfig, '..', 'kube-cache'), ...args],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}
