import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, resourceOf, type Harness } from '../../admission/test/harness.ts';
import { createNamespaceController } from './namespace-controller.ts';

const NAMESPACES = resourceOf('Namespace');
const PODS = resourceOf('Pod');

async function fill(h: Harness): Promise<void> {
  const ns = 'team';
  const template = {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'web:1' }] },
  };
  await h.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg', namespace: ns },
    data: { a: '1' },
  });
  await h.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns },
    spec: { selector: { matchLabels: { app: 'web' } }, template },
  });
  await h.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'loose', namespace: ns },
    spec: template.spec,
  });
  await h.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'bound', namespace: ns },
    spec: { ...template.spec, nodeName: 'n1' },
  });
}

function setup() {
  const h = createHarness({ namespaces: ['default', 'team'] });
  return { h, ctl: createNamespaceController({}, h) };
}

describe('namespace controller', () => {
  it('empties a namespace being deleted, waits for what is still going, then removes it', async () => {
    const { h, ctl } = setup();
    await fill(h);
    await h.start();
    await h.registry.delete(NAMESPACES, undefined, 'team');
    await h.sync();
    const ns = await h.get('Namespace', undefined, 'team');
    assert.equal((ns?.status as { phase: string }).phase, 'Terminating');
    assert.deepEqual(await ctl.reconcile('team'), { requeueAfterMs: 2_000 });
    const left = await h.list('Pod', 'team');
    assert.deepEqual(
      left.map((p) => p.metadata.name),
      ['bound'],
    );
    assert.ok(left[0].metadata.deletionTimestamp, 'the bound pod stops gracefully');
    assert.deepEqual(await h.list('ConfigMap', 'team'), []);
    assert.deepEqual(await h.list('Deployment', 'team'), []);
    assert.ok(await h.get('Namespace', undefined, 'team'), 'kept while content remains');
    // The agent finishes the pod.
    await h.registry.delete(PODS, 'team', 'bound', { gracePeriodSeconds: 0 });
    await h.sync();
    assert.equal(await ctl.reconcile('team'), undefined);
    assert.equal(await h.get('Namespace', undefined, 'team'), undefined);
  });

  it('refuses new content in a namespace being emptied', async () => {
    const { h, ctl } = setup();
    await fill(h);
    await h.start();
    await h.registry.delete(NAMESPACES, undefined, 'team');
    await h.sync();
    await ctl.reconcile('team');
    await assert.rejects(
      h.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'late', namespace: 'team' },
      }),
      { code: 'ERR_FORBIDDEN' },
    );
  });

  it('leaves a live namespace and its content alone', async () => {
    const { h, ctl } = setup();
    await fill(h);
    await h.start();
    await ctl.reconcile('team');
    assert.equal((await h.list('Pod', 'team')).length, 2);
    assert.ok(await h.get('Namespace', undefined, 'team'));
  });
});
