import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.ts';
import { referencedNames } from './definitions.ts';
import { openapiV3GroupVersion, openapiV3Hash, openapiV3Root } from './v3.ts';

type Op = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': { group: string; version: string; kind: string };
};
type Item = Record<string, Op>;

function doc(gv: string) {
  const d = openapiV3GroupVersion(gv);
  assert.ok(d, gv);
  return d as unknown as {
    paths: Record<string, Item>;
    components: { schemas: Record<string, unknown> };
  };
}

describe('openapiV3Root', () => {
  it('lists every served group-version with a hashed server-relative URL', () => {
    const paths = openapiV3Root().paths;
    assert.deepEqual(Object.keys(paths), [
      'api/v1',
      'apis/apps/v1',
      'apis/authorization.k8s.io/v1',
      'apis/batch/v1',
      'apis/coordination.k8s.io/v1',
      'apis/networking.k8s.io/v1',
      'apis/node.k8s.io/v1',
      'apis/policy/v1',
      'apis/rbac.authorization.k8s.io/v1',
    ]);
    assert.match(
      paths['apis/apps/v1'].serverRelativeURL,
      /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{64}$/,
    );
  });

  it('hashes exactly the document it points at', () => {
    const body = JSON.stringify(openapiV3GroupVersion('api/v1'));
    const hash = createHash('sha256').update(body).digest('hex').toUpperCase();
    assert.equal(openapiV3Hash('api/v1'), hash);
    assert.ok(openapiV3Root().paths['api/v1'].serverRelativeURL.endsWith(`?hash=${hash}`));
  });
});

describe('openapiV3GroupVersion', () => {
  it('answers undefined for group-versions that are not served', () => {
    assert.equal(openapiV3GroupVersion('apis/apps/v1beta1'), undefined);
    assert.equal(openapiV3GroupVersion('apis/example.com/v1'), undefined);
  });

  it('accepts the group-version with a leading slash', () => {
    assert.equal(openapiV3GroupVersion('/api/v1'), openapiV3GroupVersion('api/v1'));
  });

  it('lays out namespaced resources as upstream does', () => {
    const paths = doc('api/v1').paths;
    const collection = paths['/api/v1/namespaces/{namespace}/pods'];
    const item = paths['/api/v1/namespaces/{namespace}/pods/{name}'];
    assert.deepEqual(Object.keys(collection).sort(), ['delete', 'get', 'parameters', 'post']);
    assert.deepEqual(Object.keys(item).sort(), ['delete', 'get', 'parameters', 'patch', 'put']);
    assert.equal(collection.get['x-kubernetes-action'], 'list');
    assert.equal(collection.delete['x-kubernetes-action'], 'deletecollection');
    assert.equal(paths['/api/v1/pods'].get['x-kubernetes-action'], 'list');
    assert.equal(
      paths['/api/v1/watch/namespaces/{namespace}/pods'].get['x-kubernetes-action'],
      'watchlist',
    );
    assert.equal(
      paths['/api/v1/watch/namespaces/{namespace}/pods/{name}'].get['x-kubernetes-action'],
      'watch',
    );
    assert.ok(paths['/api/v1/namespaces/{namespace}/pods/{name}/status'].patch);
    assert.ok(paths['/api/v1/namespaces/{namespace}/pods/{name}/log'].get);
    assert.ok(paths['/api/v1/namespaces/{namespace}/pods/{name}/binding'].post);
    assert.ok(paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post);
  });

  it('lays out cluster-scoped resources without a namespace segment', () => {
    const paths = doc('api/v1').paths;
    assert.ok(paths['/api/v1/nodes'].get);
    assert.ok(paths['/api/v1/nodes/{name}'].patch);
    assert.ok(paths['/api/v1/watch/nodes'].get);
    assert.equal(paths['/api/v1/namespaces/{namespace}/nodes'], undefined);
  });

  it('offers only the verbs a resource serves', () => {
    const paths = doc('api/v1').paths;
    assert.equal(paths['/api/v1/namespaces'].delete, undefined, 'namespaces: no deletecollection');
    const review = doc('apis/authorization.k8s.io/v1').paths;
    assert.deepEqual(Object.keys(review), [
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    ]);
    assert.deepEqual(
      Object.keys(review['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']).sort(),
      ['parameters', 'post'],
    );
  });

  it('gives every PATCH the parameters and content types kubectl looks for', () => {
    for (const info of RESOURCES.filter((r) => r.verbs.includes('patch'))) {
      const gv = info.group ? `apis/${info.group}/${info.version}` : `api/${info.version}`;
      const patches = Object.values(doc(gv).paths)
        .map((item) => item.patch)
        .filter((op) => op?.['x-kubernetes-group-version-kind'].kind === info.kind);
      assert.ok(patches.length > 0, info.kind);
      for (const op of patches) {
        const names = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        assert.deepEqual(names, ['dryRun', 'fieldManager', 'fieldValidation', 'force'], info.kind);
        assert.ok(op.requestBody?.content['application/strategic-merge-patch+json'], info.kind);
        assert.ok(op.requestBody?.content['application/apply-patch+yaml'], info.kind);
      }
    }
  });

  it('tags every operation with its group, version and kind', () => {
    const paths = doc('apis/apps/v1').paths;
    const scale = paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    assert.deepEqual(scale.get['x-kubernetes-group-version-kind'], {
      group: 'autoscaling',
      kind: 'Scale',
      version: 'v1',
    });
    const list = paths['/apis/apps/v1/namespaces/{namespace}/deployments'].get;
    assert.deepEqual(list['x-kubernetes-group-version-kind'], {
      group: 'apps',
      kind: 'Deployment',
      version: 'v1',
    });
  });

  it('carries every schema its paths reach, and nothing else', () => {
    for (const gv of Object.keys(openapiV3Root().paths)) {
      const d = doc(gv);
      const names = Object.keys(d.components.schemas);
      const referenced = referencedNames(d);
      for (const name of referenced) assert.ok(names.includes(name), `${gv}: ${name}`);
      for (const name of names) assert.ok(referenced.has(name), `${gv}: unreached ${name}`);
    }
  });
});
