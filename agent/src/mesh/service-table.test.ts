import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildServiceTable } from './service-table.ts';
import { endpoints, service } from './test-fixtures.ts';

const hello = service('hello', {
  clusterIP: '10.43.0.10',
  ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }],
  type: 'NodePort',
});
const table = buildServiceTable(
  [
    hello,
    service('db', { clusterIP: 'None', ports: [{ name: 'http', port: 5432 }] }),
    service('ext', { type: 'ExternalName', externalName: 'hello.default.svc.cluster.local' }),
    service('api', { clusterIP: '10.43.0.11', ports: [{ name: 'http', port: 80 }] }, 'other'),
  ],
  [
    endpoints('hello', [['10.42.1.2', 'n1', 'hello-a']], [['10.42.2.2', 'n2', 'hello-b']]),
    endpoints('db', [
      ['10.42.1.3', 'n1', 'db-0'],
      ['10.42.2.3', 'n2', 'db-1'],
    ]),
  ],
);

describe('service table', () => {
  it('resolves a ClusterIP and every DNS form of a service name to the same port', () => {
    for (const host of [
      '10.43.0.10',
      'hello.default.svc.cluster.local',
      'hello.default.svc.cluster.local.',
      'hello.default.svc',
      'hello.default',
      'hello',
    ]) {
      const hit = table.resolve(host, 80, 'default');
      assert.equal(hit?.kind, 'service', host);
      assert.equal(hit.kind === 'service' && hit.service.key, 'default/hello');
    }
  });

  it('finds a bare name only in the caller namespace, and refuses a port the service lacks', () => {
    assert.equal(table.resolve('api', 80, 'default'), undefined);
    assert.equal(table.resolve('api', 80, 'other')?.kind, 'service');
    assert.equal(table.resolve('hello', 81, 'default'), undefined);
    assert.equal(table.resolve('nothing.default', 80, 'default'), undefined);
  });

  it('keeps not-ready addresses out of the endpoints', () => {
    const svc = table.get('default', 'hello')!;
    assert.deepEqual(
      svc.endpoints.get('http')!.map((e) => e.ip),
      ['10.42.1.2'],
    );
  });

  it('answers a headless service with its endpoints and an ExternalName with its name', () => {
    const db = table.resolve('db', 5432, 'default');
    assert.deepEqual(db?.kind === 'headless' && db.ips, ['10.42.1.3', '10.42.2.3']);
    const ext = table.resolve('ext.default.svc.cluster.local', 80, 'default');
    assert.deepEqual(ext?.kind === 'external' && ext.host, 'hello.default.svc.cluster.local');
  });

  it('lists NodePorts', () => {
    assert.deepEqual(
      table.nodePorts().map((p) => [p.service.key, p.nodePort]),
      [['default/hello', 30080]],
    );
  });
});
