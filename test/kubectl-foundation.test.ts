/**
 * The foundation as a user meets it: `wisp server` driven only by the real kubectl.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, kubectlOk, startWispServer, WISP_BIN } from './helpers/wisp-server.ts';
import type { RunningServer } from './helpers/wisp-server.ts';

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: demo
data:
  mode: "fast"
  mask: 0755
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: demo
stringData:
  password: s3cret
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  labels: { app: web }
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: registry.local/web:1.0
          ports: [{ containerPort: 8080 }]
          env: [{ name: MODE, value: fast }]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: demo
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;

function getJson(kc: string, kind: string, name: string, ns = 'demo') {
  return JSON.parse(kubectlOk(kc, ['get', kind, name, '-n', ns, '-o', 'json']));
}

/** An object without the fields every write changes (and kubectl's own bookkeeping). */
function comparable(obj: { metadata: Record<string, unknown> }) {
  const {
    resourceVersion: _r,
    managedFields: _m,
    annotations,
    ...meta
  } = obj.metadata as {
    annotations?: Record<string, string>;
  } & Record<string, unknown>;
  const rest = { ...(annotations ?? {}) };
  delete rest['kubectl.kubernetes.io/last-applied-configuration'];
  return { ...obj, metadata: { ...meta, annotations: rest } };
}

describe('wisp server driven by the real kubectl', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let kc: string;
  let dir: string;

  before(async () => {
    server = await startWispServer(['--compact-interval', '2s']);
    kc = server.kubeconfig;
    dir = server.dataDir;
    writeFileSync(join(dir, 'app.yaml'), MANIFEST);
  });
  after(async () => {
    const code = await server?.stop();
    assert.equal(code, 0, 'wisp server exits cleanly on SIGTERM');
  });

  it('applies a multi-document manifest', () => {
    const out = kubectlOk(kc, ['apply', '-f', join(dir, 'app.yaml')]);
    assert.match(out, /namespace\/demo created/);
    assert.match(out, /configmap\/settings created/);
    assert.match(out, /secret\/creds created/);
    assert.match(out, /deployment.apps\/web created/);
    assert.match(out, /service\/web created/);
  });

  it('prints real table columns for each kind', () => {
    const deploy = kubectlOk(kc, ['get', 'deploy', '-n', 'demo']);
    assert.match(deploy, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/m);
    assert.match(deploy, /^web\s+0\/2\s+/m);
    const svc = kubectlOk(kc, ['get', 'svc', '-n', 'demo']);
    assert.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/m);
    assert.match(svc, /^web\s+ClusterIP\s+/m);
    const cm = kubectlOk(kc, ['get', 'cm', '-n', 'demo']);
    assert.match(cm, /^NAME\s+DATA\s+AGE/m);
    assert.match(cm, /^settings\s+2\s+/m);
    const secret = kubectlOk(kc, ['get', 'secrets', '-n', 'demo']);
    assert.match(secret, /^creds\s+Opaque\s+1\s+/m);
    const ns = kubectlOk(kc, ['get', 'ns']);
    assert.match(ns, /^NAME\s+STATUS\s+AGE/m);
    assert.match(ns, /^demo\s+Active\s+/m);
    const wide = kubectlOk(kc, ['get', 'deploy', '-n', 'demo', '-o', 'wide']);
    assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
    assert.match(wide, /registry\.local\/web:1\.0\s+app=web/);
  });

  it('reads YAML 1.1 values as Kubernetes does and round-trips get -o yaml', () => {
    const mask = kubectlOk(kc, [
      'get',
      'cm',
      'settings',
      '-n',
      'demo',
      '-o',
      'jsonpath={.data.mask}',
    ]);
    assert.equal(mask, '493', 'an unquoted 0755 is octal in YAML 1.1');
    const yaml = kubectlOk(kc, ['get', 'deploy', 'web', '-n', 'demo', '-o', 'yaml']);
    assert.match(yaml, /kind: Deployment/);
    assert.match(yaml, /resourceVersion: "\d+"/);
    assert.match(yaml, /uid: [0-9a-f-]{36}/);
    const before = getJson(kc, 'deploy', 'web');
    const replaced = kubectlOk(kc, ['replace', '-f', '-'], yaml);
    assert.match(replaced, /deployment.apps\/web replaced/);
    const after = getJson(kc, 'deploy', 'web');
    assert.deepEqual(comparable(after), comparable(before));
    assert.equal(
      after.metadata.generation,
      before.metadata.generation,
      'same spec, same generation',
    );
  });

  it('describes a deployment', () => {
    const out = kubectlOk(kc, ['describe', 'deploy', 'web', '-n', 'demo']);
    assert.match(out, /^Name:\s+web$/m);
    assert.match(out, /^Namespace:\s+demo$/m);
    assert.match(out, /^Selector:\s+app=web$/m);
    assert.match(out, /Image:\s+registry\.local\/web:1\.0/);
  });

  it('labels, annotates and scales', () => {
    kubectlOk(kc, ['label', 'deploy', 'web', '-n', 'demo', 'tier=front']);
    kubectlOk(kc, ['annotate', 'deploy', 'web', '-n', 'demo', 'owner=team-a']);
    assert.match(kubectlOk(kc, ['scale', 'deploy', 'web', '-n', 'demo', '--replicas=3']), /scaled/);
    const got = JSON.parse(kubectlOk(kc, ['get', 'deploy', 'web', '-n', 'demo', '-o', 'json']));
    assert.equal(got.metadata.labels.tier, 'front');
    assert.equal(got.metadata.annotations.owner, 'team-a');
    assert.equal(got.spec.replicas, 3);
    const byLabel = kubectlOk(kc, [
      'get',
      'deploy',
      '-n',
      'demo',
      '-l',
      'tier=front',
      '-o',
      'name',
    ]);
    assert.equal(byLabel.trim(), 'deployment.apps/web');
    const none = kubectlOk(kc, ['get', 'deploy', '-n', 'demo', '-l', 'tier notin (front)']);
    assert.equal(none.trim(), '');
  });

  it('applies an edited manifest as a strategic merge patch', () => {
    const edited = MANIFEST.replace(
      'image: registry.local/web:1.0',
      'image: registry.local/web:2.0',
    ).replace(
      'env: [{ name: MODE, value: fast }]',
      'env: [{ name: MODE, value: slow }, { name: B, value: "1" }]',
    );
    writeFileSync(join(dir, 'app2.yaml'), edited);
    const diff = kubectl(kc, ['diff', '-f', join(dir, 'app2.yaml')]);
    assert.equal(diff.code, 1, `diff shows changes: ${diff.stderr}`);
    assert.match(diff.stdout, /-\s+image: registry\.local\/web:1\.0/);
    assert.match(diff.stdout, /\+\s+image: registry\.local\/web:2\.0/);
    const out = kubectlOk(kc, ['apply', '-f', join(dir, 'app2.yaml')]);
    assert.match(out, /deployment.apps\/web configured/);
    assert.match(out, /configmap\/settings unchanged/);
    const got = JSON.parse(kubectlOk(kc, ['get', 'deploy', 'web', '-n', 'demo', '-o', 'json']));
    const c = got.spec.template.spec.containers[0];
    assert.equal(c.image, 'registry.local/web:2.0');
    assert.deepEqual(c.env, [
      { name: 'MODE', value: 'slow' },
      { name: 'B', value: '1' },
    ]);
    assert.equal(got.metadata.labels.tier, 'front', 'labels set by kubectl label survive apply');
    assert.equal(got.metadata.generation, 3);
    const same = kubectl(kc, ['diff', '-f', join(dir, 'app2.yaml')]);
    assert.equal(same.code, 0, `no diff after apply: ${same.stdout}${same.stderr}`);
  });

  it('applies server-side and reports field manager conflicts', () => {
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: demo\ndata:\n  a: "1"\n`;
    const first = kubectlOk(kc, ['apply', '--server-side', '-f', '-'], cm);
    assert.match(first, /configmap\/ssa serverside-applied/);
    const other = kubectl(
      kc,
      ['apply', '--server-side', '--field-manager', 'other', '-f', '-'],
      cm.replace('a: "1"', 'a: "2"'),
    );
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /conflict with "kubectl"/);
    const forced = kubectlOk(
      kc,
      ['apply', '--server-side', '--field-manager', 'other', '--force-conflicts', '-f', '-'],
      cm.replace('a: "1"', 'a: "2"'),
    );
    assert.match(forced, /serverside-applied/);
    const got = JSON.parse(
      kubectlOk(kc, ['get', 'cm', 'ssa', '-n', 'demo', '-o', 'json', '--show-managed-fields']),
    );
    assert.equal(got.data.a, '2');
    assert.ok(got.metadata.managedFields.some((m: { manager: string }) => m.manager === 'other'));
  });

  it('explains fields from the OpenAPI schema', () => {
    const out = kubectlOk(kc, ['explain', 'pod.spec.containers']);
    assert.match(out, /KIND:\s+Pod/);
    assert.match(out, /FIELD:\s+containers/);
    assert.match(out, /imagePullPolicy/);
  });

  it('streams a change made by another command to get -w', async () => {
    const watcher = spawn(
      'kubectl',
      ['--kubeconfig', kc, '--cache-dir', join(dir, 'kube-cache'), 'get', 'cm', '-n', 'demo', '-w'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    watcher.stdout.on('data', (d) => (out += d));
    const waitFor = (re: RegExp) =>
      new Promise<void>((ok, fail) => {
        const t = setTimeout(() => fail(new Error(`timed out waiting for ${re}: ${out}`)), 20_000);
        const check = () => {
          if (re.test(out)) {
            clearTimeout(t);
            ok();
          }
        };
        watcher.stdout.on('data', check);
        check();
      });
    try {
      await waitFor(/^settings\s+2\s+/m);
      kubectlOk(kc, ['create', 'configmap', 'watched', '-n', 'demo', '--from-literal=x=1']);
      await waitFor(/^watched\s+1\s+/m);
    } finally {
      watcher.kill();
    }
  });

  it('honours finalizers on delete', () => {
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  namespace: demo\n  finalizers: [example.com/hold]\n`;
    kubectlOk(kc, ['apply', '-f', '-'], cm);
    kubectlOk(kc, ['delete', 'cm', 'held', '-n', 'demo', '--wait=false']);
    const held = JSON.parse(kubectlOk(kc, ['get', 'cm', 'held', '-n', 'demo', '-o', 'json']));
    assert.ok(held.metadata.deletionTimestamp, 'deletionTimestamp is set');
    kubectlOk(kc, [
      'patch',
      'cm',
      'held',
      '-n',
      'demo',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]);
    const gone = kubectl(kc, ['get', 'cm', 'held', '-n', 'demo']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /configmaps "held" not found/);
  });

  it('answers auth can-i and refuses a read-only identity', () => {
    assert.equal(kubectlOk(kc, ['auth', 'can-i', 'create', 'pods']).trim(), 'yes');
    const ro = join(dir, 'viewer.kubeconfig');
    const issued = spawnSync(
      process.execPath,
      [
        WISP_BIN,
        'kubeconfig',
        '--data-dir',
        dir,
        '--user',
        'viewer',
        '--group',
        'viewers',
        '--out',
        ro,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(issued.status, 0, issued.stderr);
    kubectlOk(kc, [
      'create',
      'clusterrolebinding',
      'viewers',
      '--clusterrole=view',
      '--group=viewers',
    ]);
    assert.match(kubectlOk(ro, ['get', 'cm', '-n', 'demo']), /settings/);
    const denied = kubectl(ro, ['create', 'configmap', 'nope', '-n', 'demo']);
    assert.notEqual(denied.code, 0);
    assert.match(
      denied.stderr,
      /configmaps is forbidden: User "viewer" cannot create resource "configmaps" in API group "" in the namespace "demo"/,
    );
    const can = kubectl(ro, ['auth', 'can-i', 'delete', 'deployments', '-n', 'demo']);
    assert.equal(can.stdout.trim(), 'no');
    assert.equal(kubectl(kc, ['get', 'cm', 'nope', '-n', 'demo']).code, 1, 'nothing stored');
  });
});

describe('bad input gets the Kubernetes error and stores nothing', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let kc: string;
  let dir: string;

  before(async () => {
    server = await startWispServer(['--compact-interval', '1s']);
    kc = server.kubeconfig;
    dir = server.dataDir;
  });
  after(async () => {
    await server?.stop();
  });

  it('rejects malformed JSON with BadRequest', () => {
    writeFileSync(
      join(dir, 'bad.json'),
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":',
    );
    const r = kubectl(kc, [
      'create',
      '--raw',
      '/api/v1/namespaces/default/configmaps',
      '-f',
      join(dir, 'bad.json'),
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /BadRequest|error decoding/);
  });

  it('rejects a manifest that breaks validation with the field path', () => {
    const bad = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n`;
    const r = kubectl(kc, ['apply', '-f', '-'], bad);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"/,
    );
    const yamlBroken = kubectl(kc, ['apply', '-f', '-'], 'kind: ConfigMap\n  metadata: [\n');
    assert.notEqual(yamlBroken.code, 0);
  });

  it('rejects an unknown field under Strict validation', () => {
    const bad = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\ndata: {}\nbogus: 1\n`;
    const r = kubectl(kc, ['apply', '-f', '-'], bad);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown field "bogus"/);
    assert.equal(kubectl(kc, ['get', 'cm', 'strict']).code, 1, 'nothing stored');
  });

  it('refuses a stale resourceVersion with Conflict', () => {
    kubectlOk(kc, ['create', 'configmap', 'rv', '--from-literal=a=1']);
    const obj = JSON.parse(kubectlOk(kc, ['get', 'cm', 'rv', '-o', 'json']));
    kubectlOk(kc, ['label', 'cm', 'rv', 'bump=1']);
    obj.data.a = '2';
    const r = kubectl(kc, ['replace', '-f', '-'], JSON.stringify(obj));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Conflict.*the object has been modified/s);
    const now = JSON.parse(kubectlOk(kc, ['get', 'cm', 'rv', '-o', 'json']));
    assert.equal(now.data.a, '1', 'nothing stored');
  });

  it('refuses a body over 3 MiB with RequestEntityTooLarge', () => {
    const big = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'big' },
      data: { x: 'a'.repeat(3 * 1024 * 1024 + 10) },
    };
    writeFileSync(join(dir, 'big.json'), JSON.stringify(big));
    const r = kubectl(kc, [
      'create',
      '--raw',
      '/api/v1/namespaces/default/configmaps',
      '-f',
      join(dir, 'big.json'),
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /RequestEntityTooLarge|too large/i);
    assert.equal(kubectl(kc, ['get', 'cm', 'big']).code, 1, 'nothing stored');
  });

  it('answers a watch from a compacted revision with 410 Expired', async () => {
    for (let i = 0; i < 5; i++)
      kubectlOk(kc, ['create', 'configmap', `c${i}`, '--from-literal=a=1']);
    const deadline = Date.now() + 20_000;
    let r = kubectl(kc, [
      'get',
      '--raw',
      '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2&timeoutSeconds=1',
    ]);
    while (r.code === 0 && Date.now() < deadline) {
      kubectlOk(kc, ['label', 'cm', 'c0', `n=${Date.now()}`, '--overwrite']);
      await new Promise((ok) => setTimeout(ok, 500));
      r = kubectl(kc, [
        'get',
        '--raw',
        '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2&timeoutSeconds=1',
      ]);
    }
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Expired|too old resource version/);
  });
});
