/**
 * Issue 4, `kubectl logs` as a user runs it: `wisp server` and one `wisp agent` on loopback, WASI
 * components as pods, and the real kubectl reading their output through the control plane,
 * which asks the agent over libp2p (`/wisp/v1/logs`): the whole log, `--tail`, `-f` seeing new
 * lines arrive, and `--previous` after a crash restarted the container.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixture } from '@wisp/testkit/wasm-fixtures.ts';
import { Fleet } from './helpers/fleet.ts';
import { kubectl, kubectlOk } from './helpers/wisp-server.ts';

/** The C and WAT fixtures need clang and wasi-libc; outside CI a missing toolchain skips. */
async function fixtures(): Promise<{ sleepy: string; crash: string } | string> {
  try {
    const [sleepy, crash] = await Promise.all([buildFixture('sleepy'), buildFixture('crash')]);
    return { sleepy: sleepy.ref, crash: crash.ref };
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    return `install clang, lld, wasi-libc and libclang-rt-14-dev-wasm32 (${String(e)})`;
  }
}

const built = await fixtures();
const skip = typeof built === 'string' ? built : false;

function manifest(refs: { sleepy: string; crash: string }): string {
  return `
apiVersion: v1
kind: Pod
metadata: { name: talker, namespace: default }
spec:
  runtimeClassName: wasm
  containers:
    - name: talker
      image: "${refs.sleepy}"
      args: ["3000"]
---
apiVersion: v1
kind: Pod
metadata: { name: crasher, namespace: default }
spec:
  runtimeClassName: wasm
  containers:
    - name: crasher
      image: "${refs.crash}"
`;
}

describe('kubectl logs through the control plane', { skip, timeout: 240_000 }, () => {
  const fleet = new Fleet(mkdtempSync(join(tmpdir(), 'wisp-pod-logs-')));
  const kc = () => fleet.kubeconfig;

  before(async () => {
    const url = await fleet.startServer();
    fleet.startAgent('edge-1', url, fleet.token());
    await fleet.eventually('node edge-1 Ready', () =>
      /\bedge-1\s+Ready\b/.test(kubectlOk(kc(), ['get', 'nodes'])) ? true : undefined,
    );
    kubectlOk(kc(), ['apply', '-f', '-'], manifest(built as { sleepy: string; crash: string }));
  });

  after(async () => {
    await fleet.stopAll();
    rmSync(fleet.root, { recursive: true, force: true });
  });

  it('shows what the component printed', async () => {
    const out = await fleet.eventually('talker printed 3 lines', () => {
      const text = kubectlOk(kc(), ['logs', 'talker']);
      return text.includes('sleepy: line 3 of 3000\n') ? text : undefined;
    });
    assert.match(out, /^sleepy: line 1 of 3000\nsleepy: line 2 of 3000\n/);
  });

  it('shows only the last lines with --tail', () => {
    const out = kubectlOk(kc(), ['logs', 'talker', '--tail=2']);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.length, 2, out);
    const [a, b] = lines.map((l) => Number(/line (\d+) of/.exec(l)?.[1]));
    assert.equal(b, a + 1, out);
  });

  it('prefixes timestamps with --timestamps', () => {
    const out = kubectlOk(kc(), ['logs', 'talker', '--tail=1', '--timestamps']);
    assert.match(out, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z sleepy: line \d+ of 3000\n$/);
  });

  it('follows with -f: lines printed after the command started arrive', async () => {
    const before = kubectlOk(kc(), ['logs', 'talker', '--tail=1']);
    const lastBefore = Number(/line (\d+) of/.exec(before)?.[1]);
    const follower = spawn('kubectl', ['--kubeconfig', kc(), 'logs', '-f', 'talker', '--tail=1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    follower.stdout.on('data', (d) => (output += d));
    follower.stderr.on('data', (d) => (output += d));
    try {
      const later = await fleet.eventually('-f shows lines written later', () => {
        const seen = [...output.matchAll(/line (\d+) of/g)].map((m) => Number(m[1]));
        return seen.some((n) => n >= lastBefore + 5) ? seen : undefined;
      });
      // In order, without gaps or repeats.
      for (let i = 1; i < later.length; i++) assert.equal(later[i], later[i - 1] + 1, output);
      assert.equal(follower.exitCode, null, 'still following');
    } finally {
      follower.kill('SIGTERM');
    }
  });

  it('shows the crashed instance with --previous once the container restarted', async () => {
    const out = await fleet.eventually(
      'crasher restarted',
      () => {
        const r = kubectl(kc(), ['logs', 'crasher', '--previous']);
        return r.code === 0 && r.stdout.includes('crash: about to trap') ? r.stdout : undefined;
      },
      90_000,
    );
    // The runtime adds why the instance ended after what it printed.
    assert.match(out, /^crash: about to trap\nwasm trap: /);
  });

  it('refuses --previous for a container that never restarted, as the kubelet does', () => {
    const r = kubectl(kc(), ['logs', 'talker', '--previous']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /previous terminated container "talker" in pod "talker" not found/);
  });
});
