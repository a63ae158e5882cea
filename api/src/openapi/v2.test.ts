import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openapiV2 } from './v2.ts';

type Json = { [key: string]: unknown };

/** The value at `path` under `root`. */
function at(root: unknown, ...path: string[]): Json {
  let node = root;
  for (const key of path) node = (node as Json)[key];
  return node as Json;
}

describe('openapiV2', () => {
  const doc = openapiV2();

  it('is a Swagger 2.0 document with definitions and no v3 references', () => {
    assert.equal(doc.swagger, '2.0');
    assert.ok(at(doc, 'definitions', 'io.k8s.api.core.v1.Pod'));
    const text = JSON.stringify(doc);
    assert.ok(!text.includes('#/components/schemas/'));
    assert.ok(!text.includes('"oneOf"'));
    assert.ok(!text.includes('"requestBody"'));
  });

  it('writes a documented reference as a $ref with a sibling description', () => {
    const spec = at(doc, 'definitions', 'io.k8s.api.core.v1.Pod', 'properties', 'spec');
    assert.equal(spec.$ref, '#/definitions/io.k8s.api.core.v1.PodSpec');
    assert.match(String(spec.description), /Specification of the desired behavior of the pod/);
  });

  it('writes IntOrString and Quantity as the strings v2 clients expect', () => {
    const ios = at(doc, 'definitions', 'io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    assert.equal(ios.type, 'string');
    assert.equal(ios.format, 'int-or-string');
    const quantity = at(doc, 'definitions', 'io.k8s.apimachinery.pkg.api.resource.Quantity');
    assert.equal(quantity.type, 'string');
  });

  it('turns request bodies into body parameters and lists consumed patch types', () => {
    const item = at(doc, 'paths', '/apis/apps/v1/namespaces/{namespace}/deployments/{name}');
    const patch = at(item, 'patch');
    assert.ok((patch.consumes as string[]).includes('application/strategic-merge-patch+json'));
    const parameters = patch.parameters as Json[];
    const body = parameters.find((p) => p.in === 'body');
    assert.equal(
      at(body, 'schema').$ref,
      '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
    );
    assert.equal(parameters.find((p) => p.name === 'fieldValidation')?.type, 'string');
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], {
      group: 'apps',
      kind: 'Deployment',
      version: 'v1',
    });
    const ok = at(item, 'get', 'responses', '200', 'schema');
    assert.equal(ok.$ref, '#/definitions/io.k8s.api.apps.v1.Deployment');
  });
});
