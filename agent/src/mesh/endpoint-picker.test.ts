import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@wisp/testkit';
import { EndpointPicker } from './endpoint-picker.ts';
import { buildServiceTable } from './service-table.ts';
import { endpoints, service } from './test-fixtures.ts';

const eps = endpoints('web', [
  ['10.42.1.2', 'n1', 'a'],
  ['10.42.2.2', 'n2', 'b'],
  ['10.42.3.2', 'n3', 'c'],
]);

function setup(spec: object = {}) {
  const svc = service('web', {
    clusterIP: '10.43.0.5',
    ports: [{ name: 'http', port: 80 }],
    ...spec,
  });
  const table = buildServiceTable([svc], [eps]);
  const s = table.get('default', 'web')!;
  return { s, port: s.ports[0], clock: new FakeClock() };
}

describe('endpoint picker', () => {
  it('goes round robin over ready endpoints', () => {
    const { s, port, clock } = setup();
    const picker = new EndpointPicker(clock);
    const ips = [0, 1, 2, 3].map(() => picker.pick(s, port, '1.1.1.1', new Set())!.ip);
    assert.deepEqual(ips, ['10.42.1.2', '10.42.2.2', '10.42.3.2', '10.42.1.2']);
  });

  it('skips endpoints that already failed this connection', () => {
    const { s, port, clock } = setup();
    const picker = new EndpointPicker(clock);
    const tried = new Set(['10.42.1.2', '10.42.2.2']);
    assert.equal(picker.pick(s, port, 'c', tried)!.ip, '10.42.3.2');
    tried.add('10.42.3.2');
    assert.equal(picker.pick(s, port, 'c', tried), undefined);
  });

  it('keeps a ClientIP client on one endpoint until the affinity timeout passes', () => {
    const spec = {
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } },
    };
    const { s, port, clock } = setup(spec);
    const picker = new EndpointPicker(clock);
    const first = picker.pick(s, port, '192.0.2.1', new Set())!.ip;
    picker.pick(s, port, '192.0.2.9', new Set());
    clock.advance(9_000);
    assert.equal(picker.pick(s, port, '192.0.2.1', new Set())!.ip, first);
    clock.advance(10_001);
    assert.notEqual(picker.pick(s, port, '192.0.2.1', new Set())!.ip, first);
  });
});
