import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findUnknownFields, findUnknownFieldsIn, schemaFor } from './unknown-fields.ts';

type Tree = { [key: string]: unknown };

/** The object at `path` under `root`, for editing a cloned manifest in place. */
function at(root: unknown, ...path: (string | number)[]): Tree {
  let node = root;
  for (const key of path) node = (node as Tree)[key];
  return node as Tree;
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    labels: { app: 'web', 'example.com/any-key': 'x' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    managedFields: [
      {
        manager: 'kubectl',
        operation: 'Apply',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': {} },
      },
    ],
    creationTimestamp: null,
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'web:1',
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: '100m', memory: '64Mi' } },
          },
        ],
        nodeSelector: { 'kubernetes.io/arch': 'arm64' },
      },
    },
  },
  status: {},
};

describe('schemaFor', () => {
  it('finds kinds by apiVersion and kind, including the core group and lists', () => {
    assert.ok(schemaFor('v1', 'Pod')?.properties?.spec);
    assert.ok(schemaFor('apps/v1', 'Deployment')?.properties?.spec);
    assert.ok(schemaFor('v1', 'PodList')?.properties?.items);
    assert.ok(schemaFor('rbac.authorization.k8s.io/v1', 'ClusterRole'));
  });

  it('knows no kind under another version or group', () => {
    assert.equal(schemaFor('apps/v1beta1', 'Deployment'), undefined);
    assert.equal(schemaFor('v1', 'Deployment'), undefined);
    assert.equal(schemaFor('', 'Pod'), undefined);
  });
});

describe('findUnknownFields', () => {
  it('accepts a manifest whose every field is declared, maps and free-form fields included', () => {
    assert.deepEqual(findUnknownFields('apps/v1', 'Deployment', deployment), []);
  });

  it('reports unknown fields with their paths in document order', () => {
    const obj = structuredClone(deployment) as Tree;
    at(obj, 'spec').replica = 3;
    at(obj, 'spec', 'template', 'spec', 'containers', 0).imagePolicy = 'Always';
    const containers = at(obj, 'spec', 'template', 'spec', 'containers') as unknown as Tree[];
    containers.push({ name: 'b', image: 'b', bogus: { x: 1 } });
    at(obj, 'metadata').labelz = {};
    obj.extra = true;
    assert.deepEqual(findUnknownFields('apps/v1', 'Deployment', obj), [
      '.metadata.labelz',
      '.spec.template.spec.containers[0].imagePolicy',
      '.spec.template.spec.containers[1].bogus',
      '.spec.replica',
      '.extra',
    ]);
  });

  it('checks metadata against ObjectMeta, down to owner references', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u', y: 1 }],
      },
      spec: { containers: [{ name: 'c' }] },
    };
    assert.deepEqual(findUnknownFields('v1', 'Pod', pod), ['.metadata.ownerReferences[0].y']);
  });

  it('treats RawExtension and FieldsV1 as holding anything', () => {
    const revision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'r', managedFields: [{ fieldsV1: { 'f:data': { '.': {} } } }] },
      data: { spec: { anything: { at: ['all'] } } },
      revision: 1,
    };
    assert.deepEqual(findUnknownFields('apps/v1', 'ControllerRevision', revision), []);
  });

  it('walks into maps of objects through additionalProperties', () => {
    const schema = {
      type: 'object' as const,
      properties: {
        byName: {
          type: 'object' as const,
          additionalProperties: {
            type: 'object' as const,
            properties: { a: { type: 'string' as const } },
          },
        },
      },
    };
    assert.deepEqual(findUnknownFieldsIn(schema, { byName: { x: { a: '1', b: 2 } } }), [
      '.byName.x.b',
    ]);
  });

  it('stops at x-kubernetes-preserve-unknown-fields and at additionalProperties: true', () => {
    const schema = {
      type: 'object' as const,
      properties: {
        open: { type: 'object' as const, 'x-kubernetes-preserve-unknown-fields': true },
        loose: { type: 'object' as const, properties: { a: {} }, additionalProperties: true },
      },
    };
    const obj = { open: { anything: 1 }, loose: { a: 1, b: 2 }, closed: 1 };
    assert.deepEqual(findUnknownFieldsIn(schema, obj), ['.closed']);
  });

  it('leaves type mismatches to decoding rather than calling them unknown fields', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: { no: 1 } }, spec: [1, 2] };
    assert.deepEqual(findUnknownFields('v1', 'Pod', pod), []);
  });

  it('accepts numbers and strings for IntOrString and Quantity fields', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: {
        ports: [
          { port: 80, targetPort: 'http' },
          { port: 81, targetPort: 8081 },
        ],
      },
    };
    assert.deepEqual(findUnknownFields('v1', 'Service', svc), []);
  });

  it('checks nothing for kinds it has no schema of', () => {
    assert.deepEqual(findUnknownFields('example.com/v1', 'Widget', { spec: { x: 1 } }), []);
  });

  it('reports exactly the one field added anywhere under spec of a valid object', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ['spec'],
          ['spec', 'template', 'spec'],
          ['spec', 'template', 'metadata'],
          ['spec', 'strategy', 'rollingUpdate'],
        ),
        fc.string({ minLength: 1, maxLength: 12 }).map((s) => `zz${s}`),
        (path, key) => {
          const obj = structuredClone(deployment);
          at(obj, ...path)[key] = 1;
          const expected = `.${path.join('.')}.${key}`;
          assert.deepEqual(findUnknownFields('apps/v1', 'Deployment', obj), [expected]);
        },
      ),
    );
  });
});
