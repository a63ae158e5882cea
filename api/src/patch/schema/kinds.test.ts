import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiVersionOf, RESOURCES } from '../../resources.ts';
import { BUILTIN_TYPES, slotForKind } from './kinds.ts';
import { fieldSlot, itemSlot, listShapeOf, mergeKeyOf, mergeStrategyOf } from './schema.ts';

describe('patch metadata tables', () => {
  it('cover every stored kind of the resource table', () => {
    for (const r of RESOURCES.filter((x) => !x.virtual)) {
      const ref = { apiVersion: apiVersionOf(r), kind: r.kind };
      assert.ok(slotForKind(ref), `${ref.apiVersion} ${ref.kind} has no patch metadata`);
    }
  });

  it('name only types they define', () => {
    for (const [name, t] of Object.entries(BUILTIN_TYPES)) {
      for (const [field, f] of Object.entries(t.fields ?? {})) {
        if (f.type !== undefined) {
          assert.ok(BUILTIN_TYPES[f.type], `${name}.${field} names unknown type ${f.type}`);
        }
      }
    }
  });

  it('describe a pod template container list as kube-openapi does', () => {
    const deployment = slotForKind({ apiVersion: 'apps/v1', kind: 'Deployment' })!;
    const podSpec = ['spec', 'template', 'spec'].reduce(fieldSlot, deployment);
    const containers = fieldSlot(podSpec, 'containers');
    assert.equal(mergeStrategyOf(containers), 'merge');
    assert.equal(mergeKeyOf(containers), 'name');
    const ports = fieldSlot(itemSlot(containers), 'ports');
    assert.equal(mergeKeyOf(ports), 'containerPort');
    assert.deepEqual(listShapeOf(ports), { kind: 'map', keys: ['containerPort', 'protocol'] });
    assert.deepEqual(listShapeOf(fieldSlot(podSpec, 'tolerations')), { kind: 'atomic' });
    const finalizers = fieldSlot(fieldSlot(deployment, 'metadata'), 'finalizers');
    assert.deepEqual(listShapeOf(finalizers), { kind: 'set' });
  });
});
