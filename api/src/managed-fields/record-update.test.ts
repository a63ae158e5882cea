import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../meta.ts';
import { ANCIENT_CHANGES_MANAGER, updateManagersMax } from './bookkeeping.ts';
import { conflictMessage } from './conflicts.ts';
import { recordUpdate } from './record-update.ts';
import { serverSideApply } from './server-side-apply.ts';

const kind = { apiVersion: 'apps/v1', kind: 'Deployment' };
const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const T2 = '2025-01-01T00:02:00Z';

function deployment(replicas: number, labels: Record<string, string> = { app: 'web' }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels },
    spec: { replicas },
  };
}

function withReplicas(obj: KubeObject, replicas: number): KubeObject {
  const copy = structuredClone(obj);
  (copy.spec as { replicas: number }).replicas = replicas;
  return copy;
}

describe('recordUpdate', () => {
  it('records a create as an Update entry owning every field it set', () => {
    const obj = recordUpdate({
      old: undefined,
      updated: deployment(1),
      manager: 'kubectl-create',
      now: T0,
      kind,
    });
    assert.deepEqual(obj.metadata.managedFields, [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': { '.': {}, 'f:replicas': {} },
        },
      },
    ]);
  });

  it('makes kubectl scale then a different apply --server-side a conflict', () => {
    const applied = serverSideApply({
      live: undefined,
      applied: deployment(3),
      manager: 'kubectl',
      force: false,
      now: T0,
      kind,
    });
    assert.ok('object' in applied);
    const scaled = recordUpdate({
      old: applied.object,
      updated: withReplicas(applied.object, 7),
      manager: 'kubectl',
      operation: 'Update',
      now: T1,
      kind,
      subresource: 'scale',
    });
    const entry = scaled.metadata.managedFields!.find((e) => e.subresource === 'scale');
    assert.deepEqual(entry?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    const r = serverSideApply({
      live: scaled,
      applied: deployment(5),
      manager: 'kubectl',
      force: false,
      now: T2,
      kind,
    });
    assert.ok('conflicts' in r);
    assert.equal(
      conflictMessage(r.conflicts),
      'Apply failed with 1 conflict: ' +
        'conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
  });

  it('moves a changed field from its old owner to the writer', () => {
    const created = recordUpdate({
      old: undefined,
      updated: deployment(1),
      manager: 'a',
      now: T0,
      kind,
    });
    const updated = recordUpdate({
      old: created,
      updated: withReplicas(created, 2),
      manager: 'b',
      now: T1,
      kind,
    });
    const byManager = Object.fromEntries(
      updated.metadata.managedFields!.map((e) => [e.manager, e.fieldsV1]),
    );
    assert.deepEqual(byManager.b, { 'f:spec': { 'f:replicas': {} } });
    assert.deepEqual(byManager.a, {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {},
    });
  });

  it('drops removed fields from every owner', () => {
    const created = recordUpdate({
      old: undefined,
      updated: deployment(1, { app: 'web', x: 'y' }),
      manager: 'a',
      now: T0,
      kind,
    });
    const fewer = structuredClone(created);
    delete fewer.metadata.labels!.x;
    const updated = recordUpdate({ old: created, updated: fewer, manager: 'b', now: T1, kind });
    assert.deepEqual(
      updated.metadata.managedFields!.map((e) => e.manager),
      ['a'],
    );
    assert.ok(!JSON.stringify(updated.metadata.managedFields).includes('f:x'));
  });

  it('does not start tracking an existing object that has no managed fields', () => {
    const obj = recordUpdate({
      old: deployment(1),
      updated: deployment(2),
      manager: 'a',
      now: T0,
      kind,
    });
    assert.equal(obj.metadata.managedFields, undefined);
  });

  it('lets a writer reset managed fields with an empty list', () => {
    const created = recordUpdate({
      old: undefined,
      updated: deployment(1),
      manager: 'a',
      now: T0,
      kind,
    });
    const reset = withReplicas(created, 2);
    reset.metadata.managedFields = [];
    const obj = recordUpdate({ old: created, updated: reset, manager: 'b', now: T1, kind });
    assert.equal(obj.metadata.managedFields, undefined);
  });

  it(`keeps at most ${updateManagersMax} Update managers, merging the oldest`, () => {
    let obj = recordUpdate({
      old: undefined,
      updated: deployment(0),
      manager: 'm0',
      now: T0,
      kind,
    });
    for (let i = 1; i <= updateManagersMax + 1; i++) {
      const next = structuredClone(obj);
      next.metadata.labels = { ...next.metadata.labels, [`l${i}`]: 'v' };
      obj = recordUpdate({
        old: obj,
        updated: next,
        manager: `m${i}`,
        now: `2025-01-01T00:00:${String(i).padStart(2, '0')}Z`,
        kind,
      });
    }
    const names = obj.metadata.managedFields!.map((e) => e.manager);
    assert.equal(names.length, updateManagersMax);
    assert.ok(names.includes(ANCIENT_CHANGES_MANAGER));
    assert.ok(!names.includes('m0') && !names.includes('m1'));
  });
});
