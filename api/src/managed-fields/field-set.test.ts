import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FieldSet } from './field-set.ts';
import { fromFieldsV1, toFieldsV1 } from './fields-v1.ts';
import {
  fieldElement as f,
  keyElement,
  parsePathElement,
  pathString,
  serializePathElement,
  valueElement,
  type PathElement,
} from './path-element.ts';
import { diffFieldSets, unionFieldSets } from './set-ops.ts';

const BRIEF_EXAMPLE =
  '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":' +
  '{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{}}}}}';

const web = keyElement([{ name: 'name', value: 'web' }]);

describe('FieldsV1', () => {
  it('decodes the managedFields encoding and writes it back byte for byte', () => {
    const set = fromFieldsV1(JSON.parse(BRIEF_EXAMPLE));
    assert.deepEqual(set.paths().map(pathString), [
      '.metadata.labels.app',
      '.spec.containers[name="web"]',
      '.spec.containers[name="web"].image',
    ]);
    assert.equal(JSON.stringify(toFieldsV1(set)), BRIEF_EXAMPLE);
  });

  it('writes elements in kube-apiserver order: fields, keys, values, then ".", first', () => {
    const set = FieldSet.of(
      [f('b')],
      [f('a'), valueElement('x')],
      [
        f('a'),
        keyElement([
          { name: 'port', value: 80 },
          { name: 'protocol', value: 'TCP' },
        ]),
      ],
      [f('a'), f('z')],
      [f('a')],
    );
    assert.equal(
      JSON.stringify(toFieldsV1(set)),
      '{"f:a":{".":{},"f:z":{},"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{},' +
        '"v:\\"x\\"":{}},"f:b":{}}',
    );
  });

  it('escapes key values as Go does', () => {
    const pe = keyElement([{ name: 'mountPath', value: '/a<b>&c' }]);
    assert.equal(serializePathElement(pe), 'k:{"mountPath":"/a\\u003cb\\u003e\\u0026c"}');
    assert.deepEqual(parsePathElement(serializePathElement(pe)), pe);
  });

  it('skips element types it does not know and rejects malformed ones', () => {
    assert.deepEqual(fromFieldsV1({ 'x:future': {}, 'f:a': {} }).paths().map(pathString), ['.a']);
    assert.throws(() => fromFieldsV1({ 'k:{not json': {} }), /invalid managed field path element/);
  });
});

describe('FieldSet', () => {
  const replicas = [f('spec'), f('replicas')];
  const image = [f('spec'), f('containers'), web, f('image')];

  it('does not make parents members', () => {
    const s = FieldSet.of(replicas);
    assert.equal(s.has(replicas), true);
    assert.equal(s.has([f('spec')]), false);
  });

  it('subtracts leaf by leaf, or a whole subtree with recursiveDifference', () => {
    const s = FieldSet.of(replicas, image);
    const spec = FieldSet.of([f('spec')]);
    assert.equal(s.difference(spec).size(), 2);
    assert.equal(s.recursiveDifference(spec).isEmpty(), true);
    assert.deepEqual(s.difference(FieldSet.of(image)).paths(), [replicas]);
  });

  it('intersects and diffs', () => {
    const a = FieldSet.of(replicas, image);
    const b = FieldSet.of(image, [f('status')]);
    assert.deepEqual(a.intersection(b).paths(), [image]);
    const d = diffFieldSets(a, b);
    assert.deepEqual(d.added.paths(), [[f('status')]]);
    assert.deepEqual(d.removed.paths(), [replicas]);
  });
});

const element: fc.Arbitrary<PathElement> = fc.oneof(
  fc.constantFrom('a', 'b', 'spec', 'x.y').map(f),
  fc.constantFrom('web', 'db').map((v) => keyElement([{ name: 'name', value: v }])),
  fc.oneof(fc.constantFrom('x', 'y'), fc.integer({ min: 0, max: 3 })).map(valueElement),
);
const fieldSet = fc
  .array(fc.array(element, { minLength: 1, maxLength: 4 }), { maxLength: 12 })
  .map((paths) => FieldSet.of(...paths));

describe('FieldSet properties', () => {
  it('survives a FieldsV1 round trip', () => {
    fc.assert(fc.property(fieldSet, (s) => assert.ok(fromFieldsV1(toFieldsV1(s)).equals(s))));
  });

  it('obeys the set laws', () => {
    fc.assert(
      fc.property(fieldSet, fieldSet, (a, b) => {
        assert.ok(a.union(b).equals(b.union(a)));
        assert.ok(a.intersection(b).equals(b.intersection(a)));
        assert.ok(a.difference(a).isEmpty());
        assert.ok(a.union(b).difference(b).union(a.intersection(b)).equals(a));
        assert.ok(unionFieldSets(a, b).intersection(a).equals(a));
        for (const p of a.intersection(b).paths()) assert.ok(a.has(p) && b.has(p));
      }),
    );
  });
});
