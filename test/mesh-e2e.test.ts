/**
 * Issue 5 end to end, with real processes: one `wisp server`, three `wisp agent`s on node IPs
 * 127.0.1.1-3, the real kubectl and WASI components built from source. hello-http runs three
 * replicas spread over the agents behind a NodePort Service; every agent's NodePort reaches every
 * pod; an http-client component on edge-1 calls the Service by DNS name and by ClusterIP; a pod
 * deleted during a steady request stream costs at most the requests in flight; a NetworkPolicy
 * shuts the clients' namespace out; and two agents in network namespaces with no route between
 * them reach each other's pods through the server as a relay.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { podLoopback } from '@wisp/api/net/pod-loopback.ts';
import { buildFixture } from '@wisp/testkit/wasm-fixtures.ts';
import { Fleet, freePort, readDesired, startChild, type Child } from './helpers/fleet.ts';
import {
  clientNamespace,
  clientPod,
  denyTeamsPolicy,
  helloManifests,
} from './helpers/mesh-manifests.ts';
import { createNetns, hasRoute, netnsAvailable, type Netns } from './helpers/netns.ts';
import { kubectlOk, WISP_BIN } from './helpers/wisp-server.ts';

const execFileAsync = promisify(execFile);
const ci = process.env.CI === 'true';
const clangAvailable = spawnSync('clang', ['--version']).status === 0;
const skip =
  !ci && !clangAvailable
    ? 'install Debian packages: clang lld wasi-libc libclang-rt-14-dev-wasm32'
    : false;
const relaySkip = !ci && !netnsAvailable() ? 'needs root and iproute2 (ip netns)' : false;

const agents = ['edge-1', 'edge-2', 'edge-3'] as const;
const nodeIp = (i: number) => `127.0.1.${i + 1}`;
/** The steady stream of the pod-deletion case: 20 requests a second for 10 s. */
const streamRatePerS = 20;
const streamMs = 10_000;
/** How long after the control plane drops an endpoint the agents may still send to it. */
const propagationMs = 3_000;
/** Requests that may fail while a deleted pod is still listed: those in flight at the time. */
const inFlightFailuresMax = 5;

interface PodJson {
  metadata: { name: string; namespace: string };
  spec: { nodeName?: string };
  status?: { podIP?: string; containerStatuses?: { ready: boolean }[] };
}

interface ClientAnswer {
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

interface Reply {
  readonly status: number;
  readonly body: string;
}

/** One GET on a connection of its own: the mesh balances connections, not requests. */
function get(url: string, timeoutMs = 5_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

const podOf = (body: string) => /hello from (\S+) #\d+/.exec(body)?.[1];

/**
 * The pods answering at `url`, one connection per request, until `count` have answered or 30 s
 * pass: endpoints reach the agents a moment after kubectl shows the pods ready.
 */
async function podsBehind(
  url: string,
  count: number,
): Promise<{ reached: string[]; failures: string[] }> {
  const reached = new Set<string>();
  const failures: string[] = [];
  const until = performance.now() + 30_000;
  while (performance.now() < until && reached.size < count) {
    const res = await get(url).catch((e: Error) => e);
    const pod = res instanceof Error || res.status !== 200 ? undefined : podOf(res.body);
    if (pod) reached.add(pod);
    else {
      failures.push(res instanceof Error ? res.message : res.body);
      await sleep(250);
    }
  }
  return { reached: [...reached].sort(), failures };
}

describe('the mesh across real agents', { skip, timeout: 900_000 }, () => {
  const fleet = new Fleet(mkdtempSync(join(tmpdir(), 'wisp-mesh-e2e-')));
  const namespaces: Netns[] = [];
  let helloRef = '';
  let clientRef = '';
  let serverUrl = '';
  let serverP2p = { peerId: '', port: 0 };
  let metricsPort = 0;

  const kc = (args: string[]) => kubectlOk(fleet.kubeconfig, args);
  const apply = (name: string, json: string) => {
    const file = join(fleet.root, `${name}.yaml`);
    writeFileSync(file, json);
    kc(['apply', '-f', file]);
  };
  const pods = (selector: string, ns = 'default'): PodJson[] =>
    (
      JSON.parse(kc(['get', 'pods', '-n', ns, '-l', selector, '-o', 'json'])) as {
        items: PodJson[];
      }
    ).items;
  const childOutput = (name: string) =>
    fleet.children.find((c) => c.name === name)?.output.slice(-4000) ?? '';
  const kubectlAsync = async (args: string[]) => {
    const cache = ['--cache-dir', join(fleet.serverDir, 'kube-cache')];
    const run = execFileAsync('kubectl', ['--kubeconfig', fleet.kubeconfig, ...cache, ...args], {
      timeout: 30_000,
    });
    return (await run).stdout;
  };
  const ready = (p: PodJson) => p.status?.containerStatuses?.[0]?.ready === true;
  const nodePortOf = (svc: string) =>
    Number(kc(['get', 'svc', svc, '-o', 'jsonpath={.spec.ports[0].nodePort}']));
  const readyNodes = (names: readonly string[]) => () => {
    const list = JSON.parse(kc(['get', 'nodes', '-o', 'json'])) as {
      items: {
        metadata: { name: string };
        status?: { conditions?: { type: string; status: string }[] };
      }[];
    };
    const up = list.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    return names.every((n) => up.some((u) => u.metadata.name === n)) || undefined;
  };

  function startAgent(name: string, ip: string, netns?: Netns, extra: string[] = []): Child {
    const args = [
      'agent',
      ...['--data-dir', fleet.agentDir(name), '--server', serverUrl, '--name', name],
      ...['--token', fleet.token(), '--node-ip', ip],
      ...extra,
    ];
    if (!netns) {
      const child = startChild(name, args);
      fleet.children.push(child);
      return child;
    }
    // Inside the namespace the server is its root-side address; the certificate names the host.
    const url = new URL(serverUrl);
    url.hostname = hostname();
    const p2p = `/ip4/${netns.hostIp}/tcp/${serverP2p.port}/p2p/${serverP2p.peerId}`;
    args.splice(args.indexOf(serverUrl), 1, url.toString());
    const proc = spawn(netns.exec[0], [
      ...netns.exec.slice(1),
      process.execPath,
      WISP_BIN,
      ...args,
      ...['--server-p2p', p2p],
    ]);
    const child: Child = { name, process: proc, output: '' };
    proc.stdout.on('data', (d) => (child.output += d));
    proc.stderr.on('data', (d) => (child.output += d));
    fleet.children.push(child);
    return child;
  }

  before(async () => {
    helloRef = (await buildFixture('http-hello')).ref;
    clientRef = (await buildFixture('http-client')).ref;
    const server = startChild('server', [
      'server',
      ...['--data-dir', fleet.serverDir, '--port', '0', '--host', '0.0.0.0'],
      ...['--p2p-port', '0', '--p2p-host', '0.0.0.0'],
    ]);
    fleet.children.push(server);
    const ready = await fleet.eventually('wisp server ready', () => {
      const url = /ready at (https:\/\/\S+)/.exec(server.output)?.[1];
      const p2p = /\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/p2p\/(\w+)/.exec(server.output);
      return url && p2p ? { url, port: Number(p2p[1]), peerId: p2p[2] } : undefined;
    });
    serverUrl = ready.url.replace('0.0.0.0', '127.0.0.1');
    serverP2p = { peerId: ready.peerId, port: ready.port };
    metricsPort = await freePort();
    startAgent('edge-1', nodeIp(0), undefined, ['--metrics-listen', `127.0.0.1:${metricsPort}`]);
    startAgent('edge-2', nodeIp(1));
    startAgent('edge-3', nodeIp(2));
    await fleet.eventually('three Ready nodes', readyNodes(agents), 90_000);
  });

  after(async () => {
    await fleet.stopAll();
    for (const ns of namespaces) ns.remove();
    rmSync(fleet.root, { recursive: true, force: true });
  });

  it('spreads hello-http over the three agents and answers on every NodePort from every pod', async () => {
    apply('hello', helloManifests({ name: 'hello', image: helloRef, replicas: 3 }));
    const running = await fleet.eventually(
      'three ready hello pods',
      () => {
        const ps = pods('app=hello').filter(ready);
        return ps.length === 3 ? ps : undefined;
      },
      180_000,
    );
    const byNode = running.map((p) => p.spec.nodeName).sort();
    assert.deepEqual(byNode, [...agents], 'one replica per agent');
    const names = running.map((p) => p.metadata.name).sort();
    const nodePort = nodePortOf('hello');
    for (const [i, agent] of agents.entries()) {
      const { reached, failures } = await podsBehind(`http://${nodeIp(i)}:${nodePort}/`, 3);
      if (reached.length < 3) {
        const desired = readDesired(fleet.agentDir(agent));
        assert.fail(
          `${agent} (${nodeIp(i)}:${nodePort}) reached ${reached}; failures: ${failures}\n` +
            `pods: ${running.map((p) => `${p.metadata.name}@${p.spec.nodeName}`)}\n` +
            `its endpoints: ${JSON.stringify(desired.endpoints)}\n` +
            `its peers: ${JSON.stringify(desired.meshPeers)}\n${childOutput(agent)}`,
        );
      }
      assert.deepEqual(reached, names, `${agent}'s NodePort reaches every replica`);
    }
  });

  /** Asks the client pod to make its call; its answer is `{status, body}` or `{error}`. */
  async function callThrough(pod: PodJson): Promise<ClientAnswer> {
    const res = await get(`http://${podLoopback(pod.status!.podIP!)}:8080/`, 15_000);
    return JSON.parse(res.body) as ClientAnswer;
  }

  /** Calls through `pod` until `done` holds or 30 s pass; the last answer either way. */
  async function callUntil(
    pod: PodJson,
    done: (a: ClientAnswer) => boolean,
  ): Promise<ClientAnswer> {
    const until = performance.now() + 30_000;
    let answer = await callThrough(pod);
    while (!done(answer) && performance.now() < until) {
      await sleep(250);
      answer = await callThrough(pod);
    }
    return answer;
  }

  const clientPodNamed = (name: string) =>
    fleet.eventually(
      `client pod ${name} ready`,
      () => pods('app=mesh-client', 'clients').find((p) => p.metadata.name === name && ready(p)),
      120_000,
    );

  it('lets a component on edge-1 call the Service by DNS name and by ClusterIP', async () => {
    apply('clients-ns', clientNamespace('clients'));
    const clusterIp = kc(['get', 'svc', 'hello', '-o', 'jsonpath={.spec.clusterIP}']);
    apply(
      'by-dns',
      clientPod(
        'clients',
        'by-dns',
        'edge-1',
        clientRef,
        'http://hello.default.svc.cluster.local/',
      ),
    );
    apply('by-ip', clientPod('clients', 'by-ip', 'edge-1', clientRef, `http://${clusterIp}/`));
    for (const name of ['by-dns', 'by-ip']) {
      const pod = await clientPodNamed(name);
      const reached = new Set<string>();
      for (let n = 0; n < 6; n++) {
        const answer = await callThrough(pod);
        assert.equal(answer.status, 200, `${name}: ${JSON.stringify(answer)}`);
        reached.add(podOf(answer.body ?? '') ?? `? ${answer.body}`);
      }
      assert.equal(reached.size, 3, `${name} reached every replica: ${[...reached]}`);
    }
    const metrics = await get(`http://127.0.0.1:${metricsPort}/metrics`);
    const counter = (name: string) =>
      Number(
        new RegExp(`${name}\\{namespace="default",service="hello"\\} (\\d+)`).exec(
          metrics.body,
        )?.[1],
      );
    // Twelve requests; each client pod keeps a connection per replica and reuses it.
    assert.ok(counter('wisp_mesh_http_requests_total') >= 12, `edge-1 /metrics:\n${metrics.body}`);
    console.log(
      `edge-1 mesh: ${counter('wisp_mesh_http_requests_total')} requests from pods, ` +
        `${counter('wisp_mesh_connections_total')} connections opened for service hello`,
    );
  });

  it('fails no request once readiness has removed a deleted pod from a steady stream', async () => {
    const nodePort = nodePortOf('hello');
    const victim = pods('app=hello').find((p) => p.spec.nodeName === 'edge-2')!.metadata.name;
    const started = performance.now();
    let streaming = true;
    // kubectl runs asynchronously here so that it never stalls the stream's event loop.
    const removal = async (): Promise<number | undefined> => {
      await kubectlAsync(['delete', 'pod', victim, '--wait=false']);
      const names = ['-o', 'jsonpath={.subsets[*].addresses[*].targetRef.name}'];
      while (streaming) {
        const listed = await kubectlAsync(['get', 'endpoints', 'hello', ...names]);
        if (!listed.includes(victim)) return performance.now() - started;
        await sleep(100);
      }
      return undefined;
    };
    let removed: Promise<number | undefined> = Promise.resolve(undefined);
    const results: { atMs: number; ok: boolean; pod?: string; error?: string }[] = [];
    const inFlight: Promise<void>[] = [];
    // Paced by start time, not by answers: a slow answer does not slow the stream.
    for (let n = 0; n < (streamRatePerS * streamMs) / 1000; n++) {
      const atMs = (n * 1000) / streamRatePerS;
      const wait = started + atMs - performance.now();
      if (wait > 0) await sleep(wait);
      if (n === streamRatePerS * 3) removed = removal();
      inFlight.push(
        get(`http://127.0.1.1:${nodePort}/`).then(
          (r) => {
            results.push({ atMs, ok: r.status === 200, pod: podOf(r.body), error: r.body });
          },
          (e: Error) => {
            results.push({ atMs, ok: false, error: String(e.message) });
          },
        ),
      );
    }
    await Promise.all(inFlight);
    streaming = false;
    const removedAtMs = await removed;
    const failed = results.filter((r) => !r.ok);
    const settledMs = (removedAtMs ?? Infinity) + propagationMs;
    const lateFailures = failed.filter((r) => r.atMs > settledMs);
    const lateVictim = results.filter((r) => r.atMs > settledMs && r.pod === victim);
    console.log(
      `pod deletion under ${streamRatePerS} req/s for ${streamMs / 1000} s: ` +
        `${results.length - failed.length} ok, ${failed.length} failed in flight ` +
        `(bound ${inFlightFailuresMax}), endpoint removed ${Math.round(removedAtMs ?? -1)} ms in` +
        (failed.length
          ? `; failures: ${failed.map((f) => `${Math.round(f.atMs)}ms ${f.error}`).join(' | ')}`
          : ''),
    );
    assert.ok(removedAtMs !== undefined, `${victim} left the Endpoints during the stream`);
    assert.deepEqual(lateFailures, [], 'no failure once readiness removed the pod');
    assert.deepEqual(lateVictim, [], 'nothing sent to the deleted pod afterwards');
    assert.ok(failed.length <= inFlightFailuresMax, `in-flight failures: ${failed.length}`);
  });

  it("blocks the clients' namespace with a NetworkPolicy, and the guest sees the error", async () => {
    const pod = await clientPodNamed('by-dns');
    apply('deny-teams', denyTeamsPolicy('hello'));
    const answer = await callUntil(pod, (a) => a.error !== undefined);
    assert.match(answer.error ?? JSON.stringify(answer), /denied|forbidden|NetworkPolicy/i);
    console.log(`guest error under the NetworkPolicy: ${answer.error}`);
    kc(['delete', 'networkpolicy', 'hello-no-teams']);
    const again = await callUntil(pod, (a) => a.status === 200);
    assert.equal(again.status, 200, 'admitted again once the policy is gone');
  });

  it(
    'reaches a pod on an agent it has no route to, through the server as a relay',
    { skip: relaySkip },
    async () => {
      const octet = process.pid % 250;
      const nsA = createNetns(`wm${process.pid}a`, `10.201.${octet}`);
      namespaces.push(nsA);
      const nsB = createNetns(`wm${process.pid}b`, `10.202.${octet}`);
      namespaces.push(nsB);
      assert.equal(hasRoute(nsA.name, nsB.ip), false, 'edge-a has no route to edge-b');
      assert.equal(hasRoute(nsB.name, nsA.ip), false, 'edge-b has no route to edge-a');
      startAgent('edge-a', nsA.ip, nsA);
      startAgent('edge-b', nsB.ip, nsB);
      await fleet.eventually('edge-a and edge-b Ready', readyNodes(['edge-a', 'edge-b']), 90_000);
      const far = { name: 'far', image: helloRef, replicas: 1, nodeName: 'edge-b' };
      apply('far', helloManifests(far));
      const pod = await fleet.eventually(
        'a ready far pod on edge-b',
        () => pods('app=far').find(ready),
        120_000,
      );
      // The test reaches edge-a's NodePort over its veth; edge-a must find edge-b via the relay.
      const { reached, failures } = await podsBehind(`http://${nsA.ip}:${nodePortOf('far')}/`, 1);
      assert.deepEqual(
        reached,
        [pod.metadata.name],
        `failures: ${failures}\n${childOutput('edge-a')}\n${childOutput('edge-b')}`,
      );
    },
  );
});
