import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@wisp/api';
import { createRegistry } from '../registry/registry.ts';
import { kubernetesService } from './kubernetes-service.ts';
import {
  createServiceAllocation,
  nodePortRecordPrefix,
  serviceIPRecordPrefix,
  type ServiceAllocationInit,
} from './service-allocation.ts';
import { createHarness, resourceOf } from './test/harness.ts';

const SERVICES = resourceOf('Service');

function service(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80 }], ...spec },
  };
}

function setup(init: ServiceAllocationInit = {}) {
  return createHarness({ admission: (h) => [createServiceAllocation(init, h)] });
}

const specOf = (o: KubeObject | undefined) =>
  o?.spec as { clusterIP?: string; clusterIPs?: string[]; ports: { nodePort?: number }[] };

describe('service address allocation', () => {
  it('gives each Service a distinct ClusterIP from 10.43.0.0/16, never the reserved first', async () => {
    const h = setup();
    const ips = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const svc = await h.create(service(`s${i}`));
      const ip = specOf(svc).clusterIP!;
      assert.match(ip, /^10\.43\.\d+\.\d+$/);
      assert.notEqual(ip, '10.43.0.1');
      assert.deepEqual(specOf(svc).clusterIPs, [ip]);
      ips.add(ip);
    }
    assert.equal(ips.size, 20);
    assert.equal((await h.store.list(serviceIPRecordPrefix)).items.length, 20);
  });

  it('honours a requested free address and refuses a taken one with the upstream message', async () => {
    const h = setup();
    const a = await h.create(service('a', { clusterIP: '10.43.5.6' }));
    assert.equal(specOf(a).clusterIP, '10.43.5.6');
    await assert.rejects(h.create(service('b', { clusterIP: '10.43.5.6' })), {
      code: 'ERR_INVALID',
      message:
        'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.5.6"}: ' +
        'failed to allocate IP 10.43.5.6: provided IP is already allocated',
    });
  });

  it('refuses an address outside the service range', async () => {
    const h = setup();
    await assert.rejects(h.create(service('a', { clusterIP: '10.0.0.5' })), {
      code: 'ERR_INVALID',
      message:
        'Service "a" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: ' +
        'failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid ' +
        'range. The range of valid IPs is 10.43.0.0/16',
    });
  });

  it('keeps headless Services headless and records nothing for them', async () => {
    const h = setup();
    const svc = await h.create(service('db', { clusterIP: 'None' }));
    assert.equal(specOf(svc).clusterIP, 'None');
    assert.deepEqual(specOf(svc).clusterIPs, ['None']);
    assert.equal((await h.store.list(serviceIPRecordPrefix)).items.length, 0);
  });

  it('lets only one of two concurrent creates have the same requested address', async () => {
    const h = setup();
    const results = await Promise.allSettled([
      h.create(service('a', { clusterIP: '10.43.9.9' })),
      h.create(service('b', { clusterIP: '10.43.9.9' })),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  });

  it('never hands one address out twice under concurrent creates, and says when the range is full', async () => {
    // A /29 has six host addresses; the first is kept for the kubernetes Service.
    const h = setup({ serviceCidr: '10.43.0.0/29' });
    const created = await Promise.all([0, 1, 2, 3, 4].map((i) => h.create(service(`s${i}`))));
    const ips = created.map((s) => specOf(s).clusterIP);
    assert.equal(new Set(ips).size, 5);
    assert.ok(!ips.includes('10.43.0.1'));
    await assert.rejects(h.create(service('s5')), {
      code: 'ERR_INTERNAL',
      message: 'Internal error occurred: failed to allocate a serviceIP: range is full',
    });
  });

  it('remembers allocations across a restart of the server', async () => {
    const h = setup({ serviceCidr: '10.43.0.0/29' });
    for (let i = 0; i < 4; i++) await h.create(service(`s${i}`));
    const taken = (await h.list('Service')).map((s) => specOf(s).clusterIP);
    const restarted = createRegistry(
      {},
      { ...h, admission: [createServiceAllocation({ serviceCidr: '10.43.0.0/29' }, h)] },
    );
    const next = await restarted.create(SERVICES, 'default', service('late'));
    assert.ok(!taken.includes(specOf(next).clusterIP));
  });

  it('frees the address and node ports when the Service is deleted', async () => {
    const h = setup();
    await h.create(
      service('a', {
        type: 'NodePort',
        clusterIP: '10.43.1.1',
        ports: [{ port: 80, nodePort: 30080 }],
      }),
    );
    await h.registry.delete(SERVICES, 'default', 'a');
    assert.equal((await h.store.list(serviceIPRecordPrefix)).items.length, 0);
    assert.equal((await h.store.list(nodePortRecordPrefix)).items.length, 0);
    const b = await h.create(
      service('b', {
        type: 'NodePort',
        clusterIP: '10.43.1.1',
        ports: [{ port: 80, nodePort: 30080 }],
      }),
    );
    assert.equal(specOf(b).clusterIP, '10.43.1.1');
    assert.equal(specOf(b).ports[0].nodePort, 30080);
  });

  it('takes over a record its owner never used once the grace period has passed', async () => {
    const h = setup({ allocationGraceMs: 60_000 });
    // What a crash between the claim and the Service write leaves behind.
    const orphan = {
      namespace: 'default',
      name: 'ghost',
      uid: 'u-1',
      allocatedAtMs: h.clock.now(),
    };
    await h.store.create(`${serviceIPRecordPrefix}10.43.7.7`, JSON.stringify(orphan));
    await assert.rejects(h.create(service('a', { clusterIP: '10.43.7.7' })), /already allocated/);
    h.clock.advance(60_000);
    const a = await h.create(service('a', { clusterIP: '10.43.7.7' }));
    assert.equal(specOf(a).clusterIP, '10.43.7.7');
  });

  it('keeps the address when an update leaves it out and refuses to change it', async () => {
    const h = setup();
    const a = await h.create(service('a'));
    const ip = specOf(a).clusterIP;
    const kept = await h.registry.update(
      SERVICES,
      'default',
      service('a', { ports: [{ port: 81 }] }),
    );
    assert.equal(specOf(kept).clusterIP, ip);
    await assert.rejects(
      h.registry.update(SERVICES, 'default', service('a', { clusterIP: '10.43.200.200' })),
      {
        code: 'ERR_INVALID',
        message:
          'Service "a" is invalid: spec.clusterIPs[0]: Invalid value: ' +
          '[]string{"10.43.200.200"}: may not change once set',
      },
    );
    assert.equal(await h.store.get(`${serviceIPRecordPrefix}10.43.200.200`), undefined);
  });

  it('gives NodePort Services ports from 30000-32767 and refuses taken or out-of-range ones', async () => {
    const h = setup();
    const a = await h.create(
      service('a', {
        type: 'NodePort',
        ports: [
          { name: 'x', port: 80 },
          { name: 'y', port: 81 },
        ],
      }),
    );
    for (const p of specOf(a).ports) assert.ok(p.nodePort! >= 30000 && p.nodePort! <= 32767);
    const taken = specOf(a).ports[0].nodePort;
    await assert.rejects(
      h.create(service('b', { type: 'NodePort', ports: [{ port: 80, nodePort: taken }] })),
      {
        message: `Service "b" is invalid: spec.ports[0].nodePort: Invalid value: ${taken}: provided port is already allocated`,
      },
    );
    await assert.rejects(
      h.create(service('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 29999 }] })),
      {
        message:
          'Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 29999: provided port ' +
          'is not in the valid range. The range of valid ports is 30000-32767',
      },
    );
  });

  it('gives back the address it took when a later step refuses the Service', async () => {
    const h = setup();
    await h.create(service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30100 }] }));
    await assert.rejects(
      h.create(
        service('b', {
          type: 'NodePort',
          clusterIP: '10.43.3.3',
          ports: [{ port: 80, nodePort: 30100 }],
        }),
      ),
      /provided port is already allocated/,
    );
    assert.equal(await h.store.get(`${serviceIPRecordPrefix}10.43.3.3`), undefined);
  });

  it('keeps node ports across an update and drops them when the type becomes ClusterIP', async () => {
    const h = setup();
    const a = await h.create(service('a', { type: 'NodePort' }));
    const port = specOf(a).ports[0].nodePort;
    const same = await h.registry.update(SERVICES, 'default', service('a', { type: 'NodePort' }));
    assert.equal(specOf(same).ports[0].nodePort, port);
    const current = await h.registry.get(SERVICES, 'default', 'a');
    (current.spec as { type: string }).type = 'ClusterIP';
    const plain = await h.registry.update(SERVICES, 'default', current);
    assert.equal(specOf(plain).ports[0].nodePort, undefined);
    // The old port's record is reclaimed as soon as someone asks for it.
    h.clock.advance(60_000);
    const b = await h.create(
      service('b', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] }),
    );
    assert.equal(specOf(b).ports[0].nodePort, port);
  });

  it('reserves the first address for the kubernetes Service', async () => {
    const h = setup();
    await assert.rejects(h.create(service('a', { clusterIP: '10.43.0.1' })), /already allocated/);
    const k = await h.create(kubernetesService());
    assert.equal(specOf(k).clusterIP, '10.43.0.1');
  });

  it('records nothing for a dry run', async () => {
    const h = setup();
    await h.start();
    const svc = await h.registry.create(SERVICES, 'default', service('a'), { dryRun: true });
    assert.match(specOf(svc).clusterIP!, /^10\.43\./);
    assert.equal((await h.store.list(serviceIPRecordPrefix)).items.length, 0);
  });
});
