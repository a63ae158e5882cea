import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../meta.ts';
import { isPatchError } from '../patch/patch-error.ts';
import { conflictMessage, conflictStatus } from './conflicts.ts';
import { LAST_APPLIED_ANNOTATION } from './last-applied.ts';
import { recordUpdate } from './record-update.ts';
import { serverSideApply, type ServerSideApplyResult } from './server-side-apply.ts';

const kind = { apiVersion: 'apps/v1', kind: 'Deployment' };
const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const T2 = '2025-01-01T00:02:00Z';

interface Shape {
  replicas?: number;
  labels?: Record<string, string>;
  containers?: { name: string; image?: string }[];
}

function deployment(s: Shape): KubeObject {
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: s.containers ?? [{ name: 'web', image: 'nginx' }] },
    },
  };
  if (s.replicas !== undefined) spec.replicas = s.replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...(s.labels ? { labels: s.labels } : {}) },
    spec,
  };
}

function apply(
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  now = T0,
  force = false,
) {
  return serverSideApply({ live, applied, manager, force, now, kind });
}

function object(r: ServerSideApplyResult): KubeObject {
  if ('conflicts' in r) assert.fail(`unexpected conflicts: ${conflictMessage(r.conflicts)}`);
  return r.object;
}

function owners(obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of obj.metadata.managedFields ?? []) out[e.manager!] = JSON.stringify(e.fieldsV1);
  return out;
}

interface Container {
  name: string;
  image?: string;
  resources?: unknown;
}
interface DeploymentSpec {
  replicas?: number;
  template: { spec: { containers: Container[] } };
}
const spec = (o: KubeObject) => o.spec as DeploymentSpec;

describe('serverSideApply', () => {
  it('creates the object and records what the manager applied', () => {
    const obj = object(
      apply(undefined, deployment({ replicas: 3, labels: { app: 'web' } }), 'alice'),
    );
    assert.equal(spec(obj).replicas, 3);
    assert.deepEqual(obj.metadata.managedFields, [
      {
        manager: 'alice',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
              },
            },
          },
        },
      },
    ]);
  });

  it('lets two managers own a field they apply with the same value', () => {
    const a = object(apply(undefined, deployment({ replicas: 3 }), 'alice'));
    const b = object(apply(a, deployment({ replicas: 3 }), 'bob', T1));
    assert.ok(owners(b).alice.includes('f:replicas'));
    assert.ok(owners(b).bob.includes('f:replicas'));
  });

  it('reports a conflict when another manager owns a field the apply changes', () => {
    const a = object(apply(undefined, deployment({ replicas: 3 }), 'alice'));
    const r = apply(a, deployment({ replicas: 5 }), 'bob', T1);
    assert.ok('conflicts' in r);
    assert.equal(
      conflictMessage(r.conflicts),
      'Apply failed with 1 conflict: conflict with "alice": .spec.replicas',
    );
    const status = conflictStatus(r.conflicts);
    assert.equal(status.code, 409);
    assert.equal(status.reason, 'Conflict');
    assert.deepEqual(status.details?.causes, [
      { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' },
    ]);
  });

  it('takes ownership of conflicting fields with force', () => {
    const a = object(apply(undefined, deployment({ replicas: 3 }), 'alice'));
    const b = object(apply(a, deployment({ replicas: 5 }), 'bob', T1, true));
    assert.equal(spec(b).replicas, 5);
    assert.ok(!owners(b).alice.includes('f:replicas'));
    assert.ok(owners(b).bob.includes('f:replicas'));
  });

  it('removes fields the manager no longer applies', () => {
    const a = object(
      apply(undefined, deployment({ replicas: 3, labels: { app: 'web', tier: 'fe' } }), 'alice'),
    );
    const a2 = object(apply(a, deployment({ labels: { app: 'web' } }), 'alice', T1));
    assert.deepEqual(a2.metadata.labels, { app: 'web' });
    assert.equal(spec(a2).replicas, undefined);
  });

  it('keeps a field the manager stopped applying while another manager owns it', () => {
    const a = object(apply(undefined, deployment({ replicas: 3 }), 'alice'));
    const b = object(apply(a, deployment({ replicas: 3 }), 'bob', T1));
    const a2 = object(apply(b, deployment({}), 'alice', T2));
    assert.equal(spec(a2).replicas, 3);
    assert.ok(!owners(a2).alice.includes('f:replicas'));
  });

  it('removes a container the manager stopped applying but keeps one another manager added', () => {
    const two = [
      { name: 'web', image: 'nginx' },
      { name: 'log', image: 'fluent' },
    ];
    const a = object(apply(undefined, deployment({ containers: two }), 'alice'));
    const withSidecar = structuredClone(a);
    spec(withSidecar).template.spec.containers.push({ name: 'proxy', image: 'envoy' });
    const b = recordUpdate({ old: a, updated: withSidecar, manager: 'injector', now: T1, kind });
    const a2 = object(apply(b, deployment({ containers: [two[0]] }), 'alice', T2));
    assert.deepEqual(
      spec(a2).template.spec.containers.map((c) => c.name),
      ['web', 'proxy'],
    );
  });

  it('merges a container the apply names into the live one, keeping fields others set', () => {
    const a = object(apply(undefined, deployment({}), 'alice'));
    const patched = structuredClone(a);
    spec(patched).template.spec.containers[0].resources = { limits: { cpu: '1' } };
    const b = recordUpdate({ old: a, updated: patched, manager: 'tuner', now: T1, kind });
    const a2 = object(
      apply(b, deployment({ containers: [{ name: 'web', image: 'nginx:2' }] }), 'alice', T2),
    );
    assert.deepEqual(spec(a2).template.spec.containers, [
      { name: 'web', image: 'nginx:2', resources: { limits: { cpu: '1' } } },
    ]);
  });

  it('leaves the time alone on an apply that changes nothing', () => {
    const a = object(apply(undefined, deployment({ replicas: 3 }), 'alice', T0));
    const again = object(apply(a, deployment({ replicas: 3 }), 'alice', T2));
    assert.equal(again.metadata.managedFields?.[0].time, T0);
    assert.deepEqual(again, a);
  });

  it('attributes fields of an untracked object to before-first-apply', () => {
    const untracked = deployment({ replicas: 2 });
    const r = apply(untracked, deployment({ replicas: 4 }), 'alice', T1);
    assert.ok('conflicts' in r);
    assert.match(
      conflictMessage(r.conflicts),
      /conflict with "before-first-apply" using apps\/v1: \.spec\.replicas/,
    );
  });

  it('does not own status through the main resource', () => {
    const applied = { ...deployment({ replicas: 1 }), status: { replicas: 9 } };
    const obj = object(apply(undefined, applied, 'alice'));
    assert.ok(!owners(obj).alice.includes('f:status'));
  });

  it('rejects an applied object of another kind or with managedFields', () => {
    const wrong = { ...deployment({}), kind: 'StatefulSet' };
    assert.throws(
      () => apply(undefined, wrong, 'alice'),
      (e) =>
        isPatchError(e, 'ERR_BAD_REQUEST') &&
        /invalid object type: apps\/v1, Kind=StatefulSet/.test(e.message),
    );
    const withFields = deployment({});
    withFields.metadata.managedFields = [];
    assert.throws(
      () => apply(undefined, withFields, 'alice'),
      /metadata.managedFields must be nil/,
    );
  });

  it('rejects two items with the same key in the applied configuration', () => {
    const dup = deployment({ containers: [{ name: 'web' }, { name: 'web' }] });
    assert.throws(
      () => apply(undefined, dup, 'alice'),
      (e) => isPatchError(e, 'ERR_INVALID') && /duplicate entries/.test(e.message),
    );
  });
});

describe('serverSideApply after client-side apply', () => {
  function clientSideApplied(replicas: number): KubeObject {
    const cfg = deployment({ replicas });
    const annotated = structuredClone(cfg);
    annotated.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: `${JSON.stringify(cfg)}\n` };
    return recordUpdate({
      old: undefined,
      updated: annotated,
      manager: 'kubectl-client-side-apply',
      now: T0,
      kind,
    });
  }

  it('conflicts with kubectl-client-side-apply for another manager', () => {
    const r = apply(clientSideApplied(3), deployment({ replicas: 5 }), 'argo', T1);
    assert.ok('conflicts' in r);
    assert.equal(
      conflictMessage(r.conflicts),
      'Apply failed with 1 conflict: ' +
        'conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
  });

  it('lets kubectl take over fields still as last applied, and updates the annotation', () => {
    const obj = object(apply(clientSideApplied(3), deployment({ replicas: 5 }), 'kubectl', T1));
    assert.equal(spec(obj).replicas, 5);
    const last = JSON.parse(obj.metadata.annotations![LAST_APPLIED_ANNOTATION]);
    assert.equal(last.spec.replicas, 5);
  });

  it('still conflicts for kubectl once the field was changed by someone else', () => {
    const live = clientSideApplied(3);
    const scaled = structuredClone(live);
    spec(scaled).replicas = 7;
    const s = recordUpdate({ old: live, updated: scaled, manager: 'hpa', now: T1, kind });
    const r = apply(s, deployment({ replicas: 5 }), 'kubectl', T2);
    assert.ok('conflicts' in r);
    assert.match(conflictMessage(r.conflicts), /"hpa" using apps\/v1: \.spec\.replicas/);
  });
});
