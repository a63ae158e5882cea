/**
 * Issue 3 end to end, as a user runs it: `wisp server` and three `wisp agent` processes over TCP
 * on loopback, joined with tokens from `wisp token create`, driven by the real kubectl. A
 * Deployment applied through the apiserver reaches every agent as its signed document over
 * libp2p, the agents run its pods as real WASI components (a tiny C command from testkit's
 * fixtures, by `file://…@sha256:` reference), and their status comes back over the status
 * protocol.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeEnvelope, fromBase64 } from '@wisp/api/wire/envelope.ts';
import { decodeWireMessage } from '@wisp/api/wire/messages.ts';
import { buildFixture } from '@wisp/testkit/wasm-fixtures.ts';
import { kubectlOk } from './helpers/wisp-server.ts';
import {
  inCidr,
  startChild as start,
  stopChild as stop,
  wisp,
  type Child,
} from './helpers/fleet.ts';

const deadlineMs = 60_000;
const pollMs = 250;
const nodeNames = ['edge-1', 'edge-2', 'edge-3'];

/** A tiny real component (C, a few KB) that prints a line every 100 ms for a long time. */
const deployment = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
  namespace: default
spec:
  replicas: 3
  selector:
    matchLabels: { app: hello }
  template:
    metadata:
      labels: { app: hello }
    spec:
      containers:
        - name: hello
          image: ${image}
          args: ['100000000']
          resources:
            requests: { cpu: 100m, memory: 16Mi }
`;

/** Polls `probe` until it returns a value, or fails with what the children printed. */
async function eventually<T>(
  what: string,
  probe: () => T | undefined,
  children: readonly Child[],
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
  const logs = children.map((c) => `--- ${c.name}\n${c.output.slice(-3000)}`).join('\n');
  throw new Error(`timed out after ${deadlineMs} ms: ${what} (${String(last ?? '')})\n${logs}`);
}

describe('wisp server with three wisp agents over libp2p on loopback', { timeout: 180_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'wisp-agents-'));
  const serverDir = join(root, 'server');
  const children: Child[] = [];
  let kubeconfig = '';
  let image = '';

  before(async () => {
    image = (await buildFixture('sleepy')).ref;
    const server = start('server', [
      'server',
      ...['--data-dir', serverDir, '--port', '0', '--p2p-port', '0'],
    ]);
    children.push(server);
    const url = await eventually(
      'wisp server ready',
      () => /ready at (https:\/\/\S+)/.exec(server.output)?.[1],
      children,
    );
    kubeconfig = join(serverDir, 'admin.kubeconfig');
    for (const name of nodeNames) {
      const token = wisp(['token', 'create', '--data-dir', serverDir]).trim();
      const agent = start(name, [
        'agent',
        ...['--data-dir', join(root, name), '--server', url, '--token', token, '--name', name],
        ...['--listen', '/ip4/127.0.0.1/tcp/0'],
      ]);
      children.push(agent);
    }
  });

  after(async () => {
    await Promise.all(children.map(stop));
    rmSync(root, { recursive: true, force: true });
  });

  it('registers every agent as a Ready node with its own pod CIDR', async () => {
    const cidrs = await eventually(
      'three Ready nodes',
      () => {
        const nodes = JSON.parse(kubectlOk(kubeconfig, ['get', 'nodes', '-o', 'json'])) as {
          items: {
            metadata: { name: string; annotations?: Record<string, string> };
            spec: { podCIDR?: string };
            status?: { conditions?: { type: string; status: string }[] };
          }[];
        };
        const ready = nodes.items.filter((n) =>
          n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        return ready.length === nodeNames.length ? ready : undefined;
      },
      children,
    );
    assert.deepEqual(cidrs.map((n) => n.metadata.name).sort(), nodeNames);
    assert.equal(new Set(cidrs.map((n) => n.spec.podCIDR)).size, nodeNames.length);
    for (const n of cidrs) {
      assert.ok(n.metadata.annotations?.['wisp.dev/x25519-public-key'], n.metadata.name);
    }
  });

  it('runs a Deployment of 3 replicas on the agents, Running with pod IPs from node CIDRs', async () => {
    const manifest = join(root, 'hello.yaml');
    writeFileSync(manifest, deployment(image));
    kubectlOk(kubeconfig, ['apply', '-f', manifest]);
    const rows = await eventually(
      'three Running pods in kubectl get pods -o wide',
      () => {
        const out = kubectlOk(kubeconfig, ['get', 'pods', '-o', 'wide', '-l', 'app=hello']);
        const lines = out.trim().split('\n');
        assert.match(lines[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\b/);
        const pods = lines.slice(1).map((l) => l.split(/\s+/));
        const running = pods.filter((p) => p[2] === 'Running' && p[5] !== '<none>');
        return running.length === 3 ? running : undefined;
      },
      children,
    );
    const cidrOf = new Map(
      kubectlOk(kubeconfig, [
        'get',
        'nodes',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}={.spec.podCIDR}{"\\n"}{end}',
      ])
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    assert.equal(new Set(rows.map((r) => r[6])).size, 3, 'one replica per agent');
    for (const [name, , , , , ip, node] of rows) {
      assert.ok(nodeNames.includes(node), `${name} on ${node}`);
      assert.ok(inCidr(ip, cidrOf.get(node)!), `${name}: ${ip} in ${node}'s ${cidrOf.get(node)}`);
    }
    // Every agent holds its signed document, and it names the pods the apiserver bound there.
    for (const agent of nodeNames) {
      const bytes = readFileSync(join(root, agent, 'state', 'desired.json'));
      const doc = decodeWireMessage(fromBase64(decodeEnvelope(bytes).payload)!, 'NodeDesired');
      assert.equal(doc.nodeName, agent);
      const bound = rows.filter((r) => r[6] === agent).map((r) => r[0]);
      assert.deepEqual(doc.pods.map((p) => p.metadata!.name).sort(), bound.sort());
    }
  });
});
