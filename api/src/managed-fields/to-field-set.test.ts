import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toFieldsV1 } from './fields-v1.ts';
import { fieldSetOf } from './to-field-set.ts';

describe('fieldSetOf', () => {
  it('owns atomic objects and maps whole, list items by key with defaults, sets by value', () => {
    const pod = {
      metadata: { finalizers: ['x'], annotations: {} },
      spec: {
        nodeSelector: { disk: 'ssd' },
        tolerations: [{ key: 'k' }],
        containers: [{ name: 'web', ports: [{ containerPort: 80 }], env: [] }],
        affinity: null,
      },
    };
    assert.deepEqual(toFieldsV1(fieldSetOf(pod, { apiVersion: 'v1', kind: 'Pod' })), {
      'f:metadata': { 'f:annotations': {}, 'f:finalizers': { 'v:"x"': {} } },
      'f:spec': {
        'f:affinity': {},
        'f:containers': {
          'k:{"name":"web"}': {
            '.': {},
            'f:name': {},
            'f:ports': {
              'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
            },
          },
        },
        'f:nodeSelector': {},
        'f:tolerations': {},
      },
    });
  });

  it('walks kinds without tables as untyped objects with atomic lists', () => {
    const widget = { spec: { a: { b: 1 }, list: [{ name: 'x' }] } };
    assert.deepEqual(
      toFieldsV1(fieldSetOf(widget, { apiVersion: 'example.com/v1', kind: 'Widget' })),
      {
        'f:spec': { 'f:a': { 'f:b': {} }, 'f:list': {} },
      },
    );
  });
});
