import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.ts';
import { findResource, RESOURCES, type ResourceInfo } from '../resources.ts';
import { printerFor, toTable } from './index.ts';

const NOW = Date.parse('2026-01-10T12:00:00Z');

function info(group: string, plural: string): ResourceInfo {
  const found = findResource(group, plural);
  assert.ok(found, plural);
  return found;
}

const cm: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'default', creationTimestamp: '2026-01-10T11:59:55Z' },
  data: { a: '1', b: '2' },
};

describe('toTable', () => {
  it('answers a meta.k8s.io/v1 Table carrying the list metadata', () => {
    const table = toTable(info('', 'configmaps'), [cm], {
      now: NOW,
      listMeta: { resourceVersion: '42', continue: 'abc' },
    });
    assert.equal(table.kind, 'Table');
    assert.equal(table.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(table.metadata, { resourceVersion: '42', continue: 'abc' });
    assert.deepEqual(table.rows[0].cells, ['settings', 2, '5s']);
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ['Name', 'Data', 'Age'],
    );
  });

  it('carries PartialObjectMetadata per row unless asked for the object or nothing', () => {
    const info_ = info('', 'configmaps');
    const meta = toTable(info_, [cm], { now: NOW }).rows[0].object;
    assert.deepEqual(meta, {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: cm.metadata,
    });
    assert.equal(toTable(info_, [cm], { now: NOW, includeObject: 'Object' }).rows[0].object, cm);
    assert.ok(!('object' in toTable(info_, [cm], { now: NOW, includeObject: 'None' }).rows[0]));
  });

  it('documents the name column and marks it with the name format', () => {
    const [name] = toTable(info('', 'configmaps'), [], { now: NOW }).columnDefinitions;
    assert.equal(name.format, 'name');
    assert.match(name.description, /Name must be unique within a namespace/);
  });

  it('falls back to NAME AGE for kinds without a printer of their own', () => {
    const custom = { ...info('', 'configmaps'), group: 'example.com', kind: 'Widget' };
    const widget = { ...cm, apiVersion: 'example.com/v1', kind: 'Widget' };
    const table = toTable(custom, [widget], { now: NOW });
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ['Name', 'Age'],
    );
    assert.deepEqual(table.rows[0].cells, ['settings', '5s']);
  });

  it('has a printer for every stored kind, each row as long as its columns', () => {
    for (const r of RESOURCES.filter((x) => !x.virtual)) {
      const printer = printerFor(r);
      assert.ok(printer.columns.length >= 2, r.kind);
      const empty = { apiVersion: 'v1', kind: r.kind, metadata: { name: 'x' } } as KubeObject;
      const cells = printer.row(empty, NOW).cells;
      assert.equal(cells.length, printer.columns.length, r.kind);
      assert.ok(
        cells.every((c) => ['string', 'number', 'boolean'].includes(typeof c)),
        r.kind,
      );
    }
  });
});
