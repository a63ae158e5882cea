import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSubset, KubeObject } from '@wisp/api';
import { createHarness, resourceOf, type Harness } from '../../admission/test/harness.ts';
import { createEndpointsController } from './endpoints-controller.ts';

const PODS = resourceOf('Pod');
const SERVICES = resourceOf('Service');

async function pod(
  h: Harness,
  name: string,
  ip: string | undefined,
  opts: { ready?: boolean; labels?: Record<string, string>; node?: string; phase?: string } = {},
): Promise<KubeObject> {
  const created = await h.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: opts.labels ?? { app: 'web' } },
    spec: {
      nodeName: opts.node ?? 'n1',
      containers: [{ name: 'c', image: 'web:1', ports: [{ name: 'http', containerPort: 8080 }] }],
    },
  });
  created.status = {
    phase: opts.phase ?? 'Running',
    podIP: ip,
    conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
  };
  return h.registry.update(PODS, 'default', created, { subresource: 'status' });
}

function service(ports: unknown[], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', labels: { tier: 'front' } },
    spec: { selector: { app: 'web' }, ports, ...extra },
  };
}

function setup() {
  const h = createHarness();
  return { h, ctl: createEndpointsController({}, h) };
}

const endpointsOf = (h: Harness) => h.get('Endpoints', 'default', 'web');
const subsetsOf = async (h: Harness) =>
  (await endpointsOf(h))?.subsets as EndpointSubset[] | undefined;

describe('endpoints controller', () => {
  it('lists ready pods in addresses and the rest in notReadyAddresses, with node and pod', async () => {
    const { h, ctl } = setup();
    const a = await pod(h, 'a', '10.42.0.10');
    await pod(h, 'b', '10.42.1.9', { ready: false, node: 'n2' });
    await pod(h, 'c', undefined);
    await pod(h, 'other', '10.42.0.11', { labels: { app: 'db' } });
    await pod(h, 'done', '10.42.0.12', { phase: 'Succeeded', ready: false });
    await h.create(service([{ name: 'http', port: 80, targetPort: 'http' }]));
    await h.start();
    await ctl.reconcile('default/web');
    const ep = await endpointsOf(h);
    assert.deepEqual(ep?.metadata.labels, { tier: 'front' });
    assert.deepEqual(ep?.subsets, [
      {
        addresses: [
          {
            ip: '10.42.0.10',
            nodeName: 'n1',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: a.metadata.uid },
          },
        ],
        notReadyAddresses: [
          {
            ip: '10.42.1.9',
            nodeName: 'n2',
            targetRef: {
              kind: 'Pod',
              namespace: 'default',
              name: 'b',
              uid: (await h.get('Pod', 'default', 'b'))!.metadata.uid,
            },
          },
        ],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('resolves numeric target ports and leaves out ports a pod does not name', async () => {
    const { h, ctl } = setup();
    await pod(h, 'a', '10.42.0.2');
    await h.create(
      service([
        { name: 'metrics', port: 9090, targetPort: 9100 },
        { name: 'grpc', port: 81, targetPort: 'grpc' },
      ]),
    );
    await h.start();
    await ctl.reconcile('default/web');
    assert.deepEqual((await subsetsOf(h))?.[0].ports, [
      { name: 'metrics', port: 9100, protocol: 'TCP' },
    ]);
  });

  it('follows pods turning ready and empties the Endpoints when none are left', async () => {
    const { h, ctl } = setup();
    await pod(h, 'a', '10.42.0.2', { ready: false });
    await h.create(service([{ port: 80, targetPort: 8080 }]));
    await h.start();
    await ctl.reconcile('default/web');
    assert.equal((await subsetsOf(h))?.[0].addresses, undefined);
    const current = await h.registry.get(PODS, 'default', 'a');
    (current.status as { conditions: { status: string }[] }).conditions[0].status = 'True';
    await h.registry.update(PODS, 'default', current, { subresource: 'status' });
    await h.sync();
    await ctl.reconcile('default/web');
    assert.equal((await subsetsOf(h))?.[0].addresses?.[0].ip, '10.42.0.2');
    await h.registry.delete(PODS, 'default', 'a', { gracePeriodSeconds: 0 });
    await h.sync();
    await ctl.reconcile('default/web');
    assert.equal((await endpointsOf(h))?.subsets, undefined);
  });

  it('deletes the Endpoints with their Service and leaves selector-less Services alone', async () => {
    const { h, ctl } = setup();
    await pod(h, 'a', '10.42.0.2');
    await h.create(service([{ port: 80 }]));
    await h.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'manual', namespace: 'default' },
      spec: { ports: [{ port: 80 }] },
    });
    await h.start();
    await ctl.reconcile('default/web');
    await ctl.reconcile('default/manual');
    assert.ok(await endpointsOf(h));
    assert.equal(await h.get('Endpoints', 'default', 'manual'), undefined);
    await h.registry.delete(SERVICES, 'default', 'web');
    await h.sync();
    await ctl.reconcile('default/web');
    assert.equal(await endpointsOf(h), undefined);
  });

  it('writes nothing when the Endpoints are already right', async () => {
    const { h, ctl } = setup();
    await pod(h, 'a', '10.42.0.2');
    await h.create(service([{ port: 80 }]));
    await h.start();
    await ctl.reconcile('default/web');
    await h.sync();
    const before = await h.store.currentRevision();
    await ctl.reconcile('default/web');
    assert.equal(await h.store.currentRevision(), before);
  });
});
