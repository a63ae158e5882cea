import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'yaml';
import { toYaml } from './to-yaml.ts';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web', yes: 'no' }, annotations: {} },
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [
          { name: 'web', image: 'registry.local/web:1', args: ['--port', '0755'], env: [] },
        ],
      },
    },
  },
  status: { conditions: [{ type: 'Available', status: 'True', message: 'a: b' }] },
};

describe('toYaml', () => {
  it('prints a Deployment as Kubernetes-style block YAML that reads back the same', () => {
    const text = toYaml(deployment);
    assert.match(text, /^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n {2}name: web\n/);
    assert.match(text, /\n {6}containers:\n {6}- name: web\n {8}image: registry\.local\/web:1\n/);
    assert.deepEqual(parse(text, { version: '1.1' }), deployment);
  });

  it('reads back any JSON value as YAML 1.1', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const json = JSON.parse(JSON.stringify(v)) as unknown;
        assert.deepEqual(parse(toYaml(json), { version: '1.1' }), json);
      }),
      { numRuns: 300 },
    );
  });
});
