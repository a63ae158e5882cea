/**
 * Issue 4 end to end, as a user runs it: a real `wisp server` and a real `wisp agent` on
 * loopback, the real kubectl, Debian's docker-registry, and WASI components built from source
 * (testkit's fixtures and the examples). The agent runs them through the wasm runtime: an http
 * Deployment serves on its pod's loopback address, a CronJob's Job completes, and misbehaving
 * components are refused, backed off, OOM-killed and stopped at their deadline.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podLoopback } from '@wisp/api/net/pod-loopback.ts';
import {
  registryAvailable,
  startRegistry,
  type RunningRegistry,
} from '@wisp/testkit/registry-fixture.ts';
import { buildFixture, ensureExamples, type BuiltComponent } from '@wisp/testkit/wasm-fixtures.ts';
import { Fleet, wisp } from './helpers/fleet.ts';
import { kubectl, kubectlOk } from './helpers/wisp-server.ts';

const ci = process.env.CI === 'true';
const clangAvailable = spawnSync('clang', ['--version']).status === 0;
const missing = [
  ...(registryAvailable() ? [] : ['docker-registry']),
  ...(clangAvailable ? [] : ['clang lld wasi-libc libclang-rt-14-dev-wasm32']),
];
const skip = !ci && missing.length > 0 ? `install Debian packages: ${missing.join(', ')}` : false;

interface PodJson {
  metadata: { name: string; uid: string };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: {
      ready: boolean;
      restartCount: number;
      state?: {
        waiting?: { reason?: string; message?: string };
        running?: object;
        terminated?: { reason?: string; exitCode?: number };
      };
      lastState?: { terminated?: { reason?: string; exitCode?: number } };
    }[];
  };
}

describe(
  'wasm pods through wisp server, wisp agent and kubectl',
  { skip, timeout: 600_000 },
  () => {
    const fleet = new Fleet(mkdtempSync(join(tmpdir(), 'wisp-wasm-pods-')));
    let registry: RunningRegistry | undefined;
    const built = new Map<string, BuiltComponent>();
    let sensorRef = '';

    const kc = (args: string[]) => kubectlOk(fleet.kubeconfig, args);
    const apply = (name: string, yaml: string) => {
      const file = join(fleet.root, `${name}.yaml`);
      writeFileSync(file, yaml);
      kc(['apply', '-f', file]);
    };
    const getPod = (name: string): PodJson | undefined => {
      const r = kubectl(fleet.kubeconfig, ['get', 'pod', name, '-o', 'json']);
      return r.code === 0 ? (JSON.parse(r.stdout) as PodJson) : undefined;
    };
    const podsOf = (selector: string): PodJson[] =>
      (JSON.parse(kc(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: PodJson[] }).items;
    const container = (name: string) => getPod(name)?.status?.containerStatuses?.[0];

    before(async () => {
      registry = await startRegistry();
      for (const name of [
        'sleepy',
        'crash',
        'memory-bomb',
        'spin',
        'env-dump',
        'http-hello',
      ] as const) {
        built.set(name, await buildFixture(name));
      }
      const examples = await ensureExamples();
      sensorRef = examples.find((e) => e.name === 'sensor')!.ref;
      const url = await fleet.startServer();
      fleet.startAgent('edge-1', url, fleet.token());
      await fleet.eventually('node edge-1 Ready', () => {
        const out = kc(['get', 'nodes', 'edge-1', '-o', 'jsonpath={.status.conditions}']);
        return (
          /"type":"Ready","status":"True"|"status":"True","type":"Ready"/.test(out) || undefined
        );
      });
      // The CronJob ticks while the other cases run: its first Job starts at the next minute.
      apply('sensor', sensorCronJob(sensorRef));
    });

    after(async () => {
      await fleet.stopAll();
      await registry?.stop();
      rmSync(fleet.root, { recursive: true, force: true });
    });

    it("serves a hello-http Deployment on its pod's loopback address, answering with its name", async () => {
      apply('hello-http', helloHttp(built.get('http-hello')!.ref));
      const pod = await fleet.eventually(
        'a Ready hello-http pod',
        () => podsOf('app=hello-http').find((p) => p.status?.containerStatuses?.[0]?.ready),
        120_000,
      );
      const url = `http://${podLoopback(pod.status!.podIP!)}:8080/`;
      const body = await (await fetch(url)).text();
      assert.match(body, new RegExp(`hello from ${pod.metadata.name} #\\d+`));
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      assert.equal(ready?.status, 'True');
    });

    it('shows what a component printed with kubectl logs', async () => {
      const pod = podsOf('app=hello-http')[0];
      await fetch(`http://${podLoopback(pod.status!.podIP!)}:8080/logged`);
      const logs = await fleet.eventually('the request line in kubectl logs', () => {
        const out = kc(['logs', pod.metadata.name]);
        return /GET \/logged #\d+/.test(out) ? out : undefined;
      });
      assert.doesNotMatch(logs, / stdout F /, 'kubectl shows the text, not the CRI records');
    });

    it("gives a component only its spec's env, resolved from ConfigMaps, Secrets and fields", async () => {
      const b64 = Buffer.from('s3cret').toString('base64');
      const meta = (name: string) => ({ apiVersion: 'v1', metadata: { name } });
      apply(
        'env-cfg',
        JSON.stringify({ ...meta('env-cfg'), kind: 'ConfigMap', data: { MODE: 'fast' } }),
      );
      apply(
        'env-sec',
        JSON.stringify({ ...meta('env-sec'), kind: 'Secret', data: { TOKEN: b64 } }),
      );
      const pod = JSON.parse(podYaml('envpod', built.get('env-dump')!.ref, ['$(MODE)']));
      pod.spec.containers[0].env = [
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'env-cfg', key: 'MODE' } } },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'env-sec', key: 'TOKEN' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'URL', value: 'http://$(POD):80' },
      ];
      apply('envpod', JSON.stringify(pod));
      await fleet.eventually('envpod completed', () => container('envpod')?.state?.terminated);
      const out = kc(['logs', 'envpod']);
      for (const line of ['env MODE=fast', 'env TOKEN=s3cret', 'env POD=envpod', 'arg 1=fast']) {
        assert.ok(out.includes(line), `${line} in:\n${out}`);
      }
      assert.ok(out.includes('env URL=http://envpod:80'), out);
      assert.doesNotMatch(out, /env (PATH|HOME)=/, "the agent's own environment does not leak");
    });

    it('refuses a component whose digest does not match, saying so in kubectl describe', async () => {
      const real = built.get('sleepy')!;
      const wrong = `sha256:${'0'.repeat(64)}`;
      apply('bad-digest', podYaml('bad-digest', real.ref.replace(real.digest, wrong)));
      const waiting = await fleet.eventually('ErrImagePull with a message', () => {
        const w = container('bad-digest')?.state?.waiting;
        return w?.message && /ImagePull/.test(w.reason ?? '') ? w : undefined;
      });
      assert.match(waiting.message!, /digest/i);
      const describe = kc(['describe', 'pod', 'bad-digest']);
      assert.match(describe, /ErrImagePull|ImagePullBackOff/);
      assert.match(describe, new RegExp(wrong.slice(0, 20)));
    });

    it('records Events: the digest-mismatch Failed in describe, Pulled/Created/Started', async () => {
      const real = built.get('sleepy')!;
      const wrong = `sha256:${'1'.repeat(64)}`;
      apply('ev-bad', podYaml('ev-bad', real.ref.replace(real.digest, wrong)));
      apply('ev-good', podYaml('ev-good', real.ref, ['100000']));
      const described = await fleet.eventually('the Failed event in kubectl describe', () => {
        const out = kc(['describe', 'pod', 'ev-bad']);
        return /Warning\s+Failed\s.*kubelet(, \S+)?\s+Failed to pull image/.test(out)
          ? out
          : undefined;
      });
      const failed = described.split('\n').find((l) => /Failed to pull image/.test(l))!;
      assert.match(failed, /digest mismatch/i);
      assert.ok(failed.includes(wrong.slice(0, 20)), failed);
      const selector = 'involvedObject.name=ev-good';
      const listed = await fleet.eventually(
        'Pulled, Created and Started in kubectl get events',
        () => {
          const out = kc(['get', 'events', '--field-selector', selector]);
          return ['Pulled', 'Created', 'Started'].every((r) => new RegExp(`\\b${r}\\b`).test(out))
            ? out
            : undefined;
        },
      );
      assert.match(listed, /Normal\s+Started\s+pod\/ev-good\s+Started container main/);
      kc(['delete', 'pod', 'ev-bad', 'ev-good', '--wait=false']);
    });

    it('pulls a component from the registry once for every pod that uses it', async () => {
      const ref = `${registry!.host}/wisp-test/sleepy:v1`;
      // A copy no agent has seen under any reference: a custom section makes its digest unique.
      const unique = join(fleet.root, 'sleepy-unique.wasm');
      writeFileSync(unique, withCustomSection(readFileSync(built.get('sleepy')!.path), fleet.root));
      wisp(['push', unique, ref]);
      // Counted once every request answered so far is in the registry's log.
      const blobGets = async () =>
        (await registry!.settledOutput())
          .split('\n')
          .filter((l) => /GET \/v2\/wisp-test\/sleepy\/blobs\//.test(l)).length;
      const before = await blobGets();
      apply('pulled-a', podYaml('pulled-a', ref, ['100000']));
      await fleet.eventually('pulled-a running', () => container('pulled-a')?.state?.running);
      const afterFirst = await blobGets();
      assert.equal(afterFirst - before, 1, registry!.output().slice(-2000));
      apply('pulled-b', podYaml('pulled-b', ref, ['100000']));
      await fleet.eventually('pulled-b running', () => container('pulled-b')?.state?.running);
      assert.equal(await blobGets(), afterFirst, 'the second pod pulls nothing');
      kc(['delete', 'pod', 'pulled-a', 'pulled-b', '--wait=false']);
    });

    it('backs off a crash-looping component as Kubernetes does, 10 s then 20 s', async () => {
      apply('crasher', podYaml('crasher', built.get('crash')!.ref));
      const first = await fleet.eventually('CrashLoopBackOff', () => {
        const w = container('crasher')?.state?.waiting;
        return w?.reason === 'CrashLoopBackOff' ? w : undefined;
      });
      assert.match(first.message ?? '', /back-off 10s/);
      const second = await fleet.eventually(
        'a second crash with a longer back-off',
        () => {
          const s = container('crasher');
          return s?.restartCount === 1 && /back-off 20s/.test(s.state?.waiting?.message ?? '')
            ? s
            : undefined;
        },
        60_000,
      );
      assert.equal(second.lastState?.terminated?.reason, 'Error');
      kc(['delete', 'pod', 'crasher', '--wait=false']);
    });

    it('reports OOMKilled for a component that grows past its memory limit', async () => {
      apply('bomb', podYaml('bomb', built.get('memory-bomb')!.ref, [], { memory: '16Mi' }));
      const t = await fleet.eventually(
        'bomb terminated',
        () => container('bomb')?.state?.terminated,
      );
      assert.equal(t.reason, 'OOMKilled');
      assert.equal(getPod('bomb')?.status?.phase, 'Failed');
    });

    it('stops an infinite loop at activeDeadlineSeconds', async () => {
      const started = performance.now();
      apply('spinner', podYaml('spinner', built.get('spin')!.ref, [], {}, 3));
      const pod = await fleet.eventually('spinner Failed', () => {
        const p = getPod('spinner');
        return p?.status?.phase === 'Failed' ? p : undefined;
      });
      assert.equal(pod.status?.reason, 'DeadlineExceeded');
      assert.ok(performance.now() - started < 30_000);
    });

    it("runs the sensor CronJob's Job to completion", async () => {
      const job = await fleet.eventually(
        'a completed sensor Job',
        () => {
          const jobs = JSON.parse(kc(['get', 'jobs', '-l', 'app=sensor', '-o', 'json'])) as {
            items: { metadata: { name: string }; status?: { succeeded?: number } }[];
          };
          return jobs.items.find((j) => (j.status?.succeeded ?? 0) >= 1);
        },
        150_000,
      );
      const pods = podsOf(`job-name=${job.metadata.name}`);
      assert.equal(pods[0]?.status?.phase, 'Succeeded');
    });
  },
);

function podYaml(
  name: string,
  image: string,
  args: string[] = [],
  limits: Record<string, string> = {},
  activeDeadlineSeconds?: number,
): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      runtimeClassName: 'wasm',
      restartPolicy: name === 'crasher' ? 'Always' : 'Never',
      ...(activeDeadlineSeconds ? { activeDeadlineSeconds } : {}),
      containers: [{ name: 'main', image, args, resources: { limits } }],
    },
  });
}

function helloHttp(image: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello-http
spec:
  replicas: 1
  selector:
    matchLabels: { app: hello-http }
  template:
    metadata:
      labels: { app: hello-http }
      annotations: { wisp.dev/pool-size: "1" }
    spec:
      runtimeClassName: wasm
      containers:
        - name: hello-http
          image: ${image}
          ports: [{ name: http, containerPort: 8080 }]
          env:
            - name: POD_NAME
              valueFrom: { fieldRef: { fieldPath: metadata.name } }
          readinessProbe:
            httpGet: { path: /, port: 8080 }
            periodSeconds: 2
          resources:
            limits: { memory: 256Mi }
`;
}

function sensorCronJob(image: string): string {
  return `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: sensor
  labels: { app: sensor }
spec:
  schedule: '* * * * *'
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        metadata:
          labels: { app: sensor }
        spec:
          runtimeClassName: wasm
          restartPolicy: Never
          containers:
            - name: sensor
              image: ${image}
              args: ['greenhouse-1']
              resources:
                limits: { memory: 32Mi }
`;
}

/** The component with a custom section appended (section id 0: name, then payload). */
function withCustomSection(wasm: Buffer, payload: string): Buffer {
  const name = Buffer.from('wisp-test');
  const body = Buffer.concat([leb128(name.length), name, Buffer.from(payload)]);
  return Buffer.concat([wasm, Buffer.from([0]), leb128(body.length), body]);
}

function leb128(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return Buffer.from(out);
}
