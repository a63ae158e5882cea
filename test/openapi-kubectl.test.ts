/**
 * The real kubectl against our OpenAPI documents and Tables, served by a throwaway hono app with
 * legacy discovery over plain http: `kubectl explain` must print the upstream field docs and
 * `kubectl get pods` our columns. Every request kubectl makes is recorded, so a failure shows
 * what it asked for.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { KubeObject } from '@wisp/api/meta.ts';
import { findResource, groups, RESOURCES, apiVersionOf } from '@wisp/api/resources.ts';
import { openapiV3GroupVersion, openapiV3Hash, openapiV3Root } from '@wisp/api/openapi/index.ts';
import { toTable } from '@wisp/api/table/index.ts';

const NOW = Date.parse('2026-01-10T12:00:00Z');

const POD: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-1',
    namespace: 'default',
    uid: 'u-1',
    resourceVersion: '7',
    creationTimestamp: '2026-01-10T11:57:00Z',
  },
  spec: { nodeName: 'pi-3', containers: [{ name: 'app', image: 'registry.local/web:1' }] },
  status: {
    phase: 'Running',
    podIP: '10.42.3.7',
    podIPs: [{ ip: '10.42.3.7' }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [
      {
        name: 'app',
        ready: true,
        restartCount: 2,
        image: 'registry.local/web:1',
        imageID: '',
        state: { running: { startedAt: '2026-01-10T11:58:00Z' } },
        lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-10T11:55:00Z' } },
      },
    ],
  },
};

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly accept: string;
  readonly contentType: string;
  readonly body: string;
}

function deploymentManifest(containers: string[]): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: containers.map((name) => ({ name, image: `${name}:1` })) },
      },
    },
  });
}

/** Just enough of a Deployment store for two client-side applies. */
function deployments(h: Hono): void {
  const stored = new Map<string, KubeObject>();
  const base = '/apis/apps/v1/namespaces/default/deployments';
  h.get(`${base}/:name`, (c) => {
    const obj = stored.get(c.req.param('name'));
    return obj ? c.json(obj) : c.json(notFound(), 404);
  });
  h.post(base, async (c) => {
    const obj = (await c.req.json()) as KubeObject;
    obj.metadata = { ...obj.metadata, uid: 'u-web', resourceVersion: '1' };
    stored.set(obj.metadata.name ?? '', obj);
    return c.json(obj, 201);
  });
  // The patch itself is what the test looks at; the stored object need not change.
  h.patch(`${base}/:name`, (c) => c.json(stored.get(c.req.param('name'))));
}

function apiResourceList(groupVersion: string): object {
  const resources = RESOURCES.filter((r) => apiVersionOf(r) === groupVersion).flatMap((r) => [
    {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      shortNames: r.shortNames.length ? r.shortNames : undefined,
      categories: r.categories.length ? r.categories : undefined,
    },
    ...r.subresources.map((s) => ({
      name: `${r.plural}/${s}`,
      singularName: '',
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ['get', 'patch', 'update'],
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

function notFound(): object {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    reason: 'NotFound',
    message: 'the server could not find the requested resource',
    code: 404,
  };
}

function app(seen: Seen[]): Hono {
  const h = new Hono();
  h.use(async (c, next) => {
    const url = new URL(c.req.url);
    seen.push({
      method: c.req.method,
      url: url.pathname + url.search,
      accept: c.req.header('accept') ?? '',
      contentType: c.req.header('content-type') ?? '',
      body: c.req.method === 'GET' ? '' : await c.req.raw.clone().text(),
    });
    await next();
  });
  h.get('/version', (c) =>
    c.json({ major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' }),
  );
  h.get('/api', (c) => c.json({ kind: 'APIVersions', versions: ['v1'] }));
  h.get('/apis', (c) =>
    c.json({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups().map((g) => {
        const gv = { groupVersion: `${g.name}/${g.version}`, version: g.version };
        return { name: g.name, versions: [gv], preferredVersion: gv };
      }),
    }),
  );
  h.get('/api/v1', (c) => c.json(apiResourceList('v1')));
  h.get('/apis/:group/:version', (c) =>
    c.json(apiResourceList(`${c.req.param('group')}/${c.req.param('version')}`)),
  );
  h.get('/openapi/v3', (c) => c.json(openapiV3Root()));
  h.get('/openapi/v3/*', (c) => {
    const url = new URL(c.req.url);
    const gv = url.pathname.slice('/openapi/v3/'.length);
    const doc = openapiV3GroupVersion(gv);
    if (!doc) return c.json(notFound(), 404);
    // A document named by its current hash never changes: kubectl may keep it in its cache.
    if (url.searchParams.get('hash') === openapiV3Hash(gv)) {
      c.header('Cache-Control', 'public, immutable');
      c.header('Expires', new Date(NOW + 365 * 24 * 3600_000).toUTCString());
    }
    return c.json(doc);
  });
  h.get('/api/v1/namespaces/default/pods', (c) => {
    const info = findResource('', 'pods');
    if (!info) throw new Error('pods are not in RESOURCES');
    const listMeta = { resourceVersion: '9' };
    if (!/as=Table/.test(c.req.header('accept') ?? '')) {
      return c.json({ kind: 'PodList', apiVersion: 'v1', metadata: listMeta, items: [POD] });
    }
    return c.json(toTable(info, [POD], { now: NOW, listMeta }));
  });
  deployments(h);
  h.all('*', (c) => c.json(notFound(), 404));
  return h;
}

function listen(h: Hono): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch: h.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(server));
  });
}

function kubeconfig(port: number): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- cluster: {server: "http://127.0.0.1:${port}"}`,
    '  name: wisp',
    'users:',
    '- name: anonymous',
    '  user: {}',
    'contexts:',
    '- context: {cluster: wisp, user: anonymous, namespace: default}',
    '  name: wisp',
    'current-context: wisp',
    '',
  ].join('\n');
}

describe('kubectl against our OpenAPI and Tables', { timeout: 120_000 }, () => {
  const seen: Seen[] = [];
  let dir = '';
  let server: ServerType | undefined;

  const kubectl = (...args: string[]): Promise<{ stdout: string; stderr: string }> =>
    new Promise((resolve, reject) => {
      const env = { ...process.env, HOME: dir, KUBECONFIG: path.join(dir, 'config') };
      const full = [...args, '--cache-dir', path.join(dir, 'cache')];
      execFile('kubectl', full, { env, timeout: 60_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`kubectl ${args.join(' ')}: ${err.message}\n${stderr}`));
        else resolve({ stdout, stderr });
      });
    });

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wisp-openapi-kubectl-'));
    server = await listen(app(seen));
    const { port } = server.address() as AddressInfo;
    await writeFile(path.join(dir, 'config'), kubeconfig(port));
  });

  after(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (process.env.WISP_TEST_VERBOSE) {
      for (const s of seen) console.log(`${s.method} ${s.url}  [${s.accept}]`);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('explains pod.spec.containers with the upstream field docs', async () => {
    const { stdout } = await kubectl('explain', 'pod.spec.containers');
    assert.match(stdout, /^KIND:\s+Pod$/m);
    assert.match(stdout, /^VERSION:\s+v1$/m);
    assert.match(stdout, /^FIELD: containers <\[\]Container>$/m);
    assert.match(stdout, /List of containers belonging to the pod\./);
    assert.match(stdout, /^ {2}image\t<string>$/m);
    assert.match(stdout, /^ {2}name\t<string> -required-$/m);
    assert.match(stdout, /^ {2}resources\t<ResourceRequirements>$/m);
    assert.match(stdout, /^ {2}ports\t<\[\]ContainerPort>$/m);
    assert.match(stdout, /Container image name\./);
  });

  it('explains deployment.spec.strategy including its IntOrString fields', async () => {
    const { stdout } = await kubectl('explain', 'deployment.spec.strategy');
    assert.match(stdout, /^GROUP:\s+apps$/m);
    assert.match(stdout, /^KIND:\s+Deployment$/m);
    assert.match(stdout, /^FIELD: strategy <DeploymentStrategy>$/m);
    assert.match(stdout, /The deployment strategy to use to replace existing pods with new ones\./);
    assert.match(stdout, /^ {2}rollingUpdate\t<RollingUpdateDeployment>$/m);
    assert.match(stdout, /^ {2}type\t<string>$/m);
    const { stdout: rolling } = await kubectl('explain', 'deployment.spec.strategy.rollingUpdate');
    assert.match(rolling, /^ {2}maxSurge\t<IntOrString>$/m);
  });

  it('prints the pod columns of our Table in kubectl get pods', async () => {
    const { stdout } = await kubectl('get', 'pods');
    const [header, row] = stdout.trimEnd().split('\n');
    assert.deepEqual(header.split(/\s{2,}/), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    assert.deepEqual(row.split(/\s{2,}/), ['web-1', '1/1', 'Running', '2 (5m ago)', '3m']);
    const wide = (await kubectl('get', 'pods', '-o', 'wide')).stdout.trimEnd().split('\n');
    assert.deepEqual(wide[0].split(/\s{2,}/), [
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    assert.deepEqual(wide[1].split(/\s{2,}/).slice(5), ['10.42.3.7', 'pi-3', '<none>', '<none>']);
  });

  it('computes apply patches from our schemas: a removed container is deleted by name', async () => {
    const file = path.join(dir, 'web.json');
    await writeFile(file, deploymentManifest(['app', 'sidecar']));
    await kubectl('apply', '-f', file);
    await writeFile(file, deploymentManifest(['app']));
    await kubectl('apply', '-f', file);
    const create = seen.find((s) => s.method === 'POST' && s.url.includes('/deployments?'));
    assert.match(create?.url ?? '', /fieldValidation=Strict/);
    const patch = seen.find((s) => s.method === 'PATCH' && s.url.includes('/deployments/web?'));
    assert.ok(patch, 'kubectl sent no PATCH');
    assert.equal(patch.contentType, 'application/strategic-merge-patch+json');
    assert.match(patch.url, /fieldValidation=Strict/);
    const body = JSON.parse(patch.body) as {
      spec: { template: { spec: Record<string, unknown> } };
    };
    const podSpec = body.spec.template.spec;
    assert.deepEqual(podSpec['$setElementOrder/containers'], [{ name: 'app' }]);
    assert.deepEqual(podSpec.containers, [{ $patch: 'delete', name: 'sidecar' }]);
  });

  it('fetched the v3 root and group-version documents, never v2', () => {
    const urls = seen.map((s) => s.url);
    assert.ok(urls.some((u) => u.startsWith('/openapi/v3?')));
    assert.ok(urls.some((u) => u.startsWith('/openapi/v3/api/v1?hash=')));
    assert.ok(urls.some((u) => u.startsWith('/openapi/v3/apis/apps/v1?hash=')));
    assert.ok(!urls.some((u) => u.startsWith('/openapi/v2')));
  });
});
