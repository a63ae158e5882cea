/**
 * The testkit's Kubernetes client against the real apiserver over HTTPS: client certificates
 * and bearer tokens, the cluster CA pinned, every verb, the status subresource, all four patch
 * types, watches, and errors that carry the server's Status.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '@wisp/api';
import { seededRandom, systemClock } from '@wisp/core';
import { loadOrCreateCa } from '@wisp/controlplane/pki/index.ts';
import {
  createKubeClient,
  KubeAlreadyExistsError,
  KubeConflictError,
  KubeConnectionError,
  KubeForbiddenError,
  KubeGoneError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnauthorizedError,
  kubeClientFromKubeconfig,
  parseKubeconfig,
} from '@wisp/testkit/kube-client/index.ts';
import type { KubeClient, WatchEvent } from '@wisp/testkit/kube-client/index.ts';
import { startInProcessServer } from './helpers/in-process-server.ts';
import type { InProcessServer } from './helpers/in-process-server.ts';

const CONFIGMAPS = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const PODS = { group: '', version: 'v1', plural: 'pods', namespaced: true };
const DEPLOYMENTS = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true };

const cm = (
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

const deployment = (name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] },
    },
  },
});

describe('kube client against the apiserver', { timeout: 120_000 }, () => {
  let s: InProcessServer;
  let client: KubeClient;

  before(async () => {
    s = await startInProcessServer();
    client = s.client;
  });
  after(async () => {
    await s?.stop();
  });

  it('creates, gets, lists by label, updates and deletes with a client certificate', async () => {
    const created = await client.create(CONFIGMAPS, 'default', cm('one', { a: '1' }, { app: 'x' }));
    assert.ok(created.metadata.uid);
    await client.create(CONFIGMAPS, 'default', cm('two', {}, { app: 'y' }));
    const got = await client.get(CONFIGMAPS, 'default', 'one');
    assert.deepEqual(got.data, { a: '1' });
    const list = await client.list(CONFIGMAPS, 'default', { labelSelector: 'app=x' });
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ['one'],
    );
    const updated = await client.update(CONFIGMAPS, 'default', { ...got, data: { a: '2' } });
    assert.notEqual(updated.metadata.resourceVersion, got.metadata.resourceVersion);
    await client.delete(CONFIGMAPS, 'default', 'one');
    await assert.rejects(client.get(CONFIGMAPS, 'default', 'one'), KubeNotFoundError);
  });

  it('throws named errors that carry the Status reason, code and causes', async () => {
    await assert.rejects(client.create(CONFIGMAPS, 'default', cm('two')), (e: Error) => {
      assert.ok(e instanceof KubeAlreadyExistsError);
      assert.equal(e.statusCode, 409);
      assert.equal(e.reason, 'AlreadyExists');
      return true;
    });
    const two = await client.get(CONFIGMAPS, 'default', 'two');
    await client.update(CONFIGMAPS, 'default', { ...two, data: { b: '1' } });
    await assert.rejects(
      client.update(CONFIGMAPS, 'default', { ...two, data: { b: '2' } }),
      KubeConflictError,
    );
    const bad = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bad' },
      spec: { containers: [{ name: 'c' }] },
    };
    await assert.rejects(client.create(PODS, 'default', bad), (e: Error) => {
      assert.ok(e instanceof KubeInvalidError);
      assert.equal(e.statusCode, 422);
      assert.ok(e.status.details?.causes?.some((c) => c.field === 'spec.containers[0].image'));
      return true;
    });
  });

  it('applies merge, strategic, json and server-side apply patches', async () => {
    await client.create(DEPLOYMENTS, 'default', deployment('web'));
    const merged = await client.patch(DEPLOYMENTS, 'default', 'web', 'merge', {
      metadata: { labels: { tier: 'front' } },
    });
    assert.equal(merged.metadata.labels?.tier, 'front');
    const strategic = await client.patch<KubeObject>(DEPLOYMENTS, 'default', 'web', 'strategic', {
      spec: {
        template: { spec: { containers: [{ name: 'web', image: 'registry.local/web:2' }] } },
      },
    });
    const containers = (
      strategic.spec as { template: { spec: { containers: { image: string }[] } } }
    ).template.spec.containers;
    assert.deepEqual(
      containers.map((c) => c.image),
      ['registry.local/web:2'],
      'merged by container name',
    );
    const json = await client.patch(DEPLOYMENTS, 'default', 'web', 'json', [
      { op: 'replace', path: '/spec/replicas', value: 3 },
    ]);
    assert.equal((json.spec as { replicas: number }).replicas, 3);
    const applied = await client.patch(
      CONFIGMAPS,
      'default',
      'applied',
      'apply',
      cm('applied', { k: 'v' }),
      { fieldManager: 'tester' },
    );
    assert.deepEqual(applied.data, { k: 'v' });
    const reapplied = await client.patch(
      CONFIGMAPS,
      'default',
      'applied',
      'apply',
      cm('applied', { k: 'v2' }),
      // force: the apiserver drops managedFields when apply creates (reported to the lead).
      { fieldManager: 'tester', force: true },
    );
    assert.deepEqual(reapplied.data, { k: 'v2' });
    const managers = reapplied.metadata.managedFields?.map((m) => `${m.manager}/${m.operation}`);
    assert.ok(managers?.includes('tester/Apply'), String(managers));
  });

  it('writes status only through the status subresource', async () => {
    const d = await client.get(DEPLOYMENTS, 'default', 'web');
    const withStatus = await client.updateStatus(DEPLOYMENTS, 'default', {
      ...d,
      status: { replicas: 7 },
    });
    assert.equal((withStatus.status as { replicas: number }).replicas, 7);
    const main = await client.update(DEPLOYMENTS, 'default', {
      ...withStatus,
      status: { replicas: 1 },
    });
    assert.equal(
      (main.status as { replicas: number }).replicas,
      7,
      'the main resource ignores status',
    );
    const patched = await client.patch(
      DEPLOYMENTS,
      'default',
      'web',
      'merge',
      { status: { readyReplicas: 2 } },
      { subresource: 'status' },
    );
    assert.equal((patched.status as { readyReplicas: number }).readyReplicas, 2);
  });

  it('watches events in order and ends when aborted', async () => {
    const list = await client.list(CONFIGMAPS, 'default');
    const ac = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const ev of client.watch(CONFIGMAPS, 'default', {
        resourceVersion: list.metadata.resourceVersion,
        signal: ac.signal,
      }) as AsyncIterable<WatchEvent>) {
        seen.push(`${ev.type} ${ev.object.metadata.name}`);
        if (seen.length === 3) ac.abort();
      }
    })();
    await client.create(CONFIGMAPS, 'default', cm('w'));
    await client.patch(CONFIGMAPS, 'default', 'w', 'merge', { data: { x: '1' } });
    await client.delete(CONFIGMAPS, 'default', 'w');
    await done;
    assert.deepEqual(seen, ['ADDED w', 'MODIFIED w', 'DELETED w']);
  });

  it('throws KubeGoneError for a watch from a compacted resourceVersion', async () => {
    const first = await client.create(CONFIGMAPS, 'default', cm('old'));
    await client.update(CONFIGMAPS, 'default', { ...first, data: { n: '1' } });
    const latest = await client.get(CONFIGMAPS, 'default', 'old');
    await s.cp.registry.store.compact(Number(latest.metadata.resourceVersion));
    await assert.rejects(async () => {
      const events = client.watch(CONFIGMAPS, 'default', {
        resourceVersion: first.metadata.resourceVersion,
      });
      for await (const _ev of events) break;
    }, KubeGoneError);
  });

  it('authenticates with a bearer token and is refused without credentials or rights', async () => {
    const init = parseKubeconfig(await s.cp.kubeconfig({ user: 'x', groups: [] }));
    const admin = await s.cp.tokens().create({ user: 'robot', groups: ['system:masters'] });
    const robot = createKubeClient({ server: init.server, caPem: init.caPem, token: admin.token });
    const nobodyToken = await s.cp.tokens().create({ user: 'nobody', groups: [] });
    const nobody = createKubeClient({
      server: init.server,
      caPem: init.caPem,
      token: nobodyToken.token,
    });
    const anonymous = createKubeClient({ server: init.server, caPem: init.caPem });
    try {
      assert.equal((await robot.get(CONFIGMAPS, 'default', 'two')).metadata.name, 'two');
      await assert.rejects(nobody.get(CONFIGMAPS, 'default', 'two'), KubeForbiddenError);
      await assert.rejects(anonymous.get(CONFIGMAPS, 'default', 'two'), KubeUnauthorizedError);
    } finally {
      robot.close();
      nobody.close();
      anonymous.close();
    }
  });

  it('pins the cluster CA: a server certificate from another CA is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wisp-other-ca-'));
    try {
      const other = await loadOrCreateCa(dir, {
        clock: systemClock(),
        random: seededRandom(9),
        commonName: 'other',
      });
      const text = await s.cp.kubeconfig({ user: 'admin', groups: ['system:masters'] });
      const pinned = kubeClientFromKubeconfig(text, { overrides: { caPem: other.certPem } });
      try {
        await assert.rejects(pinned.get(CONFIGMAPS, 'default', 'two'), KubeConnectionError);
      } finally {
        pinned.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
