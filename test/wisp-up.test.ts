/**
 * `wisp up` (what `npm start` runs) as a newcomer meets it: a control plane and three agents in
 * two sites on this machine, ready to take a Deployment, stopped cleanly by Ctrl-C.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isRunning, startChild } from './helpers/fleet.ts';
import type { Child } from './helpers/fleet.ts';
import { buildFixture } from '@wisp/testkit/wasm-fixtures.ts';
import { kubectl, kubectlOk } from './helpers/wisp-server.ts';

const deadlineMs = 60_000;

async function until<T>(what: string, probe: () => T | undefined, out: () => string): Promise<T> {
  const end = performance.now() + deadlineMs;
  while (performance.now() < end) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((ok) => setTimeout(ok, 250));
  }
  throw new Error(`timed out waiting for ${what}:\n${out()}`);
}

describe('wisp up', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wisp-up-'));
  let up: Child;
  let kc: string;

  before(async () => {
    const [port, p2pPort] = [await freePort(), await freePort()];
    up = startChild('up', [
      'up',
      ...['--data-dir', join(dir, '.wisp'), '--port', String(port), '--p2p-port', String(p2pPort)],
    ]);
    await until(
      'Wisp is up',
      () => (/Wisp is up/.test(up.output) ? true : undefined),
      () => up.output,
    );
    kc = join(dir, '.wisp', 'admin.kubeconfig');
  });

  after(async () => {
    if (isRunning(up)) up.process.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its progress, the URL, the kubeconfig and commands to try', () => {
    assert.match(up.output, /control plane\s+ready at https:\/\/127\.0\.0\.1:\d+/);
    for (const n of ['edge-1', 'edge-2', 'edge-3']) {
      assert.match(up.output, new RegExp(`${n}\\s+ready`));
    }
    assert.match(up.output, /kubeconfig: .*admin\.kubeconfig/);
    assert.match(up.output, /dashboard: https:\/\/127\.0\.0\.1:\d+\//);
    assert.match(up.output, /login token: [a-z0-9]{6}\.[a-z0-9]{32}/);
    assert.match(up.output, /kubectl get pods -o wide -w/);
  });

  it('deploys the examples, built if needed, with their component images', () => {
    assert.match(up.output, /examples\s+hello-http: Deployment\/hello-http, Service\/hello-http/);
    assert.match(up.output, /examples\s+sensor: CronJob\/sensor/);
    const image = kubectlOk(kc, [
      ...['get', 'deployment', 'hello-http', '-o'],
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    assert.match(image, /^file:\/\/.*hello-http\.wasm@sha256:[0-9a-f]{64}$/);
  });

  it('lets the printed login token read the fleet', async () => {
    const token = /login token: (\S+)/.exec(up.output)![1];
    const r = kubectl(kc, ['--token', token, 'auth', 'can-i', 'patch', 'nodes']);
    assert.equal(r.stdout.trim(), 'yes');
  });

  it('runs three Ready nodes in two sites', () => {
    const nodes = JSON.parse(kubectlOk(kc, ['get', 'nodes', '-o', 'json'])).items as {
      metadata: { name: string; labels: Record<string, string> };
      status: { conditions: { type: string; status: string }[] };
    }[];
    assert.equal(nodes.length, 3);
    const zones = new Set(nodes.map((n) => n.metadata.labels['topology.kubernetes.io/zone']));
    assert.deepEqual([...zones].sort(), ['site-a', 'site-b']);
    for (const n of nodes) {
      assert.ok(n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    }
  });

  it('runs a Deployment on the fleet', async () => {
    const { ref } = await buildFixture('sleepy');
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: hello, namespace: default}
spec:
  replicas: 4
  selector: {matchLabels: {app: hello}}
  template:
    metadata: {labels: {app: hello}}
    spec:
      runtimeClassName: wasm
      containers: [{name: hello, image: ${JSON.stringify(ref)}, args: ["1000000"]}]
`;
    kubectlOk(kc, ['apply', '-f', '-'], manifest);
    const rows = await until(
      'four hello pods Running',
      () => {
        const r = kubectl(kc, ['get', 'pods', '-l', 'app=hello', '--no-headers', '-o', 'wide']);
        const lines = r.stdout
          .trim()
          .split('\n')
          .filter((l) => /\sRunning\s/.test(l));
        return lines.length === 4 ? lines : undefined;
      },
      () => up.output,
    );
    const nodes = new Set(rows.map((l) => l.split(/\s+/)[6]));
    assert.ok(nodes.size >= 2, `spread over ${[...nodes].join(', ')}`);
  });

  it('stops every process on Ctrl-C', async () => {
    const exited = new Promise<number | null>((ok) => up.process.once('exit', (c) => ok(c)));
    up.process.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.match(up.output, /stopping/);
    const left = spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' });
    assert.equal(left.stdout.trim(), '', 'no wisp process of this fleet is left');
  });
});
