import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isJsonObject, type JsonValue } from './json-value.ts';
import { applyMergePatch, createMergePatch } from './merge-patch.ts';

/** RFC 7386 Appendix A: [target, patch, result]. */
const RFC_7386_EXAMPLES: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [
    ['a', 'b'],
    ['c', 'd'],
    ['c', 'd'],
  ],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

/** Drops `null` members of objects, which a merge patch cannot produce. */
function withoutNullMembers(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(withoutNullMembers);
  if (!isJsonObject(v)) return v;
  const out: Record<string, JsonValue> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x !== null)
      Object.defineProperty(out, k, {
        value: withoutNullMembers(x),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}

const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);

describe('applyMergePatch', () => {
  RFC_7386_EXAMPLES.forEach(([target, patch, result], i) => {
    it(`follows RFC 7386 example ${i + 1}: ${JSON.stringify(patch)}`, () => {
      assert.deepEqual(applyMergePatch(target, patch), result);
    });
  });

  it('does not change its inputs', () => {
    const target = { a: { b: 1 } };
    const patch = { a: { c: 2 } };
    applyMergePatch(target, patch);
    assert.deepEqual(target, { a: { b: 1 } });
    assert.deepEqual(patch, { a: { c: 2 } });
  });

  it('replaces lists whole, as Kubernetes merge patch does for containers', () => {
    const pod = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } };
    const out = applyMergePatch(pod, { spec: { containers: [{ name: 'a', image: 'y' }] } });
    assert.deepEqual(out, { spec: { containers: [{ name: 'a', image: 'y' }] } });
  });
});

describe('createMergePatch', () => {
  it('writes null for removed keys and only what changed', () => {
    const patch = createMergePatch(
      { a: 1, b: { c: 2, d: 3 }, e: [1] },
      { b: { c: 2, d: 4 }, e: [1] },
    );
    assert.deepEqual(patch, { a: null, b: { d: 4 } });
  });

  it('reproduces the target when applied to the source (property)', () => {
    fc.assert(
      fc.property(json, json, (source, rawTarget) => {
        const target = withoutNullMembers(rawTarget);
        const patch = createMergePatch(source, target);
        assert.deepEqual(applyMergePatch(source, patch), target);
      }),
      { numRuns: 300 },
    );
  });

  it('gives a patch that changes nothing for identical documents (property)', () => {
    fc.assert(
      fc.property(json, (doc) => {
        fc.pre(isJsonObject(doc));
        assert.deepEqual(createMergePatch(doc, doc), {});
      }),
    );
  });
});
