import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '@wisp/api/resources.ts';
import { definitionName, refName, type JsonSchema } from '@wisp/api/openapi/schema.ts';
import { referencedNames } from '@wisp/api/openapi/definitions.ts';
import { generate } from './gen-openapi.ts';

const FILE = path.join(import.meta.dirname, '..', 'api', 'src', 'openapi', 'definitions.json');
const defs = generate();

/** The definitions file is committed; regenerate it rather than let it drift. */
const DEFINITIONS_BYTES_MAX = 600 * 1024;

describe('gen-openapi', () => {
  it('matches the committed definitions.json (run node scripts/gen-openapi.ts)', () => {
    assert.equal(readFileSync(FILE, 'utf8'), `${JSON.stringify(defs)}\n`);
    assert.ok(readFileSync(FILE).length < DEFINITIONS_BYTES_MAX);
  });

  it('defines every served kind and its list with the group-version-kind extension', () => {
    for (const r of RESOURCES) {
      const kinds = r.virtual ? [r.kind] : [r.kind, `${r.kind}List`];
      for (const kind of kinds) {
        const schema = defs[definitionName(r.group, r.version, kind)];
        assert.ok(schema, kind);
        assert.deepEqual(schema['x-kubernetes-group-version-kind'], [
          { group: r.group, kind, version: r.version },
        ]);
      }
    }
  });

  it('resolves every reference inside the file', () => {
    for (const name of referencedNames(defs)) assert.ok(defs[name], name);
  });

  it('keeps the upstream docs, required fields and a documented ref wrapped in allOf', () => {
    const container = defs['io.k8s.api.core.v1.Container'];
    assert.deepEqual(container.required, ['name']);
    assert.match(container.properties?.image.description ?? '', /^Container image name\./);
    const resources = container.properties?.resources as JsonSchema;
    assert.equal(
      refName(resources.allOf?.[0].$ref ?? ''),
      'io.k8s.api.core.v1.ResourceRequirements',
    );
    assert.match(
      defs['io.k8s.api.core.v1.Pod'].description ?? '',
      /^Pod is a collection of containers/,
    );
  });

  it('maps the special types as upstream does', () => {
    const time = defs['io.k8s.apimachinery.pkg.apis.meta.v1.Time'];
    assert.deepEqual([time.type, time.format], ['string', 'date-time']);
    const ios = defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'];
    assert.equal(ios['x-kubernetes-int-or-string'], true);
    const surge = defs['io.k8s.api.apps.v1.RollingUpdateDeployment'].properties?.maxSurge;
    assert.equal(
      refName(surge?.allOf?.[0].$ref ?? ''),
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    );
    const limits = defs['io.k8s.api.core.v1.ResourceRequirements'].properties?.limits;
    assert.equal(limits?.type, 'object');
    const quantity = limits?.additionalProperties as JsonSchema;
    assert.equal(refName(quantity.$ref ?? ''), 'io.k8s.apimachinery.pkg.api.resource.Quantity');
    const labels = defs['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties?.labels;
    assert.deepEqual(labels?.additionalProperties, { type: 'string' });
    assert.equal(defs['io.k8s.apimachinery.pkg.runtime.RawExtension'].type, 'object');
    assert.equal(defs['io.k8s.apimachinery.pkg.runtime.RawExtension'].properties, undefined);
  });

  it('adds the list merge semantics the declarations lack', () => {
    const containers = defs['io.k8s.api.core.v1.PodSpec'].properties?.containers;
    assert.equal(containers?.['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(containers?.['x-kubernetes-patch-merge-key'], 'name');
    const ports = defs['io.k8s.api.core.v1.Container'].properties?.ports;
    assert.deepEqual(ports?.['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
    const strategy = defs['io.k8s.api.apps.v1.DeploymentSpec'].properties?.strategy;
    assert.equal(strategy?.['x-kubernetes-patch-strategy'], 'retainKeys');
  });
});
