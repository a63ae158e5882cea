import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyJsonPatch, jsonPatchOperationsMax } from './json-patch.ts';
import { formatJsonPointer, parseJsonPointer } from './json-pointer.ts';
import { isPatchError, type PatchError } from './patch-error.ts';
import type { JsonValue } from './json-value.ts';

/** RFC 6902 Appendix A, one row per example that has an outcome. */
const RFC_6902_EXAMPLES: { name: string; doc: unknown; patch: unknown[]; want: unknown }[] = [
  {
    name: 'A.1 adds an object member',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz', value: 'qux' }],
    want: { baz: 'qux', foo: 'bar' },
  },
  {
    name: 'A.2 adds an array element',
    doc: { foo: ['bar', 'baz'] },
    patch: [{ op: 'add', path: '/foo/1', value: 'qux' }],
    want: { foo: ['bar', 'qux', 'baz'] },
  },
  {
    name: 'A.3 removes an object member',
    doc: { baz: 'qux', foo: 'bar' },
    patch: [{ op: 'remove', path: '/baz' }],
    want: { foo: 'bar' },
  },
  {
    name: 'A.4 removes an array element',
    doc: { foo: ['bar', 'qux', 'baz'] },
    patch: [{ op: 'remove', path: '/foo/1' }],
    want: { foo: ['bar', 'baz'] },
  },
  {
    name: 'A.5 replaces a value',
    doc: { baz: 'qux', foo: 'bar' },
    patch: [{ op: 'replace', path: '/baz', value: 'boo' }],
    want: { baz: 'boo', foo: 'bar' },
  },
  {
    name: 'A.6 moves a value',
    doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    patch: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    want: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  },
  {
    name: 'A.7 moves an array element',
    doc: { foo: ['all', 'grass', 'cows', 'eat'] },
    patch: [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
    want: { foo: ['all', 'cows', 'eat', 'grass'] },
  },
  {
    name: 'A.8 passes tests that match',
    doc: { baz: 'qux', foo: ['a', 2, 'c'] },
    patch: [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    want: { baz: 'qux', foo: ['a', 2, 'c'] },
  },
  {
    name: 'A.10 adds a nested member object',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/child', value: { grandchild: {} } }],
    want: { foo: 'bar', child: { grandchild: {} } },
  },
  {
    name: 'A.11 ignores unrecognized members of an operation',
    doc: { foo: 'bar' },
    patch: [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
    want: { foo: 'bar', baz: 'qux' },
  },
  {
    name: 'A.14 unescapes ~01 to ~1, not to /',
    doc: { '/': 9, '~1': 10 },
    patch: [{ op: 'test', path: '/~01', value: 10 }],
    want: { '/': 9, '~1': 10 },
  },
  {
    name: 'A.16 adds an array as one value with the - index',
    doc: { foo: ['bar'] },
    patch: [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
    want: { foo: ['bar', ['abc', 'def']] },
  },
];

function patchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (isPatchError(e)) return e;
    throw e;
  }
  assert.fail('expected a PatchError');
}

describe('applyJsonPatch', () => {
  for (const ex of RFC_6902_EXAMPLES) {
    it(`follows RFC 6902 ${ex.name}`, () => {
      assert.deepEqual(applyJsonPatch(ex.doc, ex.patch), ex.want);
    });
  }

  it('rejects a failed test as 422 Invalid naming the operation and path (A.9)', () => {
    const e = patchError(() =>
      applyJsonPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]),
    );
    assert.equal(e.code, 'ERR_INVALID');
    assert.equal(e.status, 422);
    assert.equal(e.reason, 'Invalid');
    assert.match(e.message, /operation 0 \(test\) at "\/baz": test failed/);
  });

  it('compares strings and numbers as different values (A.15)', () => {
    const doc = { '/': 9, '~1': 10 };
    const e = patchError(() => applyJsonPatch(doc, [{ op: 'test', path: '/~01', value: '10' }]));
    assert.equal(e.code, 'ERR_INVALID');
  });

  it('fails to add below a member that does not exist (A.12)', () => {
    const e = patchError(() =>
      applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]),
    );
    assert.match(e.message, /operation 0 \(add\) at "\/baz\/bat": parent path not found/);
  });

  it('leaves the input untouched when a later operation fails', () => {
    const doc = { spec: { replicas: 1 } };
    assert.throws(() =>
      applyJsonPatch(doc, [
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'test', path: '/spec/replicas', value: 1 },
      ]),
    );
    assert.deepEqual(doc, { spec: { replicas: 1 } });
  });

  it('tests objects for equality regardless of key order', () => {
    const doc = { a: { x: 1, y: [1, { z: 2 }] } };
    const patch = [{ op: 'test', path: '/a', value: { y: [1, { z: 2 }], x: 1 } }];
    assert.deepEqual(applyJsonPatch(doc, patch), doc);
  });

  it('copies a value deeply so later changes do not alias', () => {
    const out = applyJsonPatch({ a: { b: 1 } }, [
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'replace', path: '/c/b', value: 2 },
    ]);
    assert.deepEqual(out, { a: { b: 1 }, c: { b: 2 } });
  });

  it('replaces the whole document at the empty path', () => {
    assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }]), [1]);
  });

  it('refuses to move a value into its own child', () => {
    const e = patchError(() =>
      applyJsonPatch({ a: { b: {} } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]),
    );
    assert.match(e.message, /into one of its own children/);
  });

  it('rejects array indexes with leading zeros, past the end, or - outside add', () => {
    const doc = { list: [1, 2] };
    for (const op of [
      { op: 'add', path: '/list/01', value: 0 },
      { op: 'add', path: '/list/3', value: 0 },
      { op: 'remove', path: '/list/2' },
      { op: 'replace', path: '/list/-', value: 0 },
      { op: 'remove', path: '/list/-' },
    ]) {
      assert.equal(patchError(() => applyJsonPatch(doc, [op])).code, 'ERR_INVALID', op.path);
    }
  });

  it('rejects removing and replacing members that do not exist', () => {
    assert.match(
      patchError(() => applyJsonPatch({}, [{ op: 'remove', path: '/a' }])).message,
      /path not found/,
    );
    assert.match(
      patchError(() => applyJsonPatch({}, [{ op: 'replace', path: '/a', value: 1 }])).message,
      /path not found/,
    );
  });

  it('answers malformed operations as 422 and a body that is not a list as 400', () => {
    assert.equal(patchError(() => applyJsonPatch({}, { op: 'add' })).status, 400);
    assert.equal(patchError(() => applyJsonPatch({}, ['add'])).status, 400);
    const cases = [
      [{ op: 'frobnicate', path: '/a' }, /unknown op "frobnicate"/],
      [{ op: 'add', value: 1 }, /operation 0 \(add\): path: Required value/],
      [{ op: 'add', path: '/a' }, /value: Required value/],
      [{ op: 'move', path: '/a' }, /from: Required value/],
      [{ op: 'add', path: 'a', value: 1 }, /must start with \//],
      [{ op: 'add', path: '/a~2', value: 1 }, /invalid ~ escape/],
    ] as const;
    for (const [op, message] of cases) {
      const e = patchError(() => applyJsonPatch({}, [op]));
      assert.equal(e.status, 422);
      assert.match(e.message, message);
    }
  });

  it(`answers more than ${jsonPatchOperationsMax} operations as 413`, () => {
    const ops = Array.from({ length: 3 }, () => ({ op: 'test', path: '', value: {} }));
    assert.deepEqual(applyJsonPatch({}, ops, { operationsMax: 3 }), {});
    const e = patchError(() => applyJsonPatch({}, [...ops, ops[0]], { operationsMax: 3 }));
    assert.equal(e.code, 'ERR_TOO_LARGE');
    assert.equal(e.status, 413);
  });

  it('keeps a member named __proto__ an ordinary member', () => {
    const out = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: 1 } }]);
    assert.deepEqual(Object.keys(out as object), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('JSON pointers', () => {
  it('round-trips tokens containing / and ~', () => {
    const tokens = ['a/b', 'm~n', '', '0'];
    assert.equal(formatJsonPointer(tokens), '/a~1b/m~0n//0');
    assert.deepEqual(parseJsonPointer(formatJsonPointer(tokens)), tokens);
  });
});

describe('applyJsonPatch properties', () => {
  // JSON.parse's objects: ordinary prototypes, own `__proto__` members, no -0.
  const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as JsonValue;
  const objectDoc = fc.dictionary(fc.string(), fc.jsonValue()).map(asJson);

  it('removing what add just added restores the document', () => {
    fc.assert(
      fc.property(objectDoc, fc.string(), fc.jsonValue(), (doc, key, value) => {
        fc.pre(!Object.hasOwn(doc as object, key));
        const path = formatJsonPointer([key]);
        const added = applyJsonPatch(doc, [{ op: 'add', path, value }]);
        assert.deepEqual(applyJsonPatch(added, [{ op: 'remove', path }]), doc);
      }),
    );
  });

  it('adding back what remove took restores an array', () => {
    const arrayDoc = fc
      .array(fc.jsonValue(), { minLength: 1 })
      .map((l) => asJson(l) as JsonValue[]);
    fc.assert(
      fc.property(arrayDoc, fc.nat(), (list, n) => {
        const i = n % list.length;
        const path = `/${i}`;
        const removed = applyJsonPatch(list, [{ op: 'remove', path }]);
        const back = applyJsonPatch(removed, [{ op: 'add', path, value: list[i] }]);
        assert.deepEqual(back, list);
      }),
    );
  });
});
