import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sameJson } from './same-json.ts';

describe('sameJson', () => {
  it('ignores key order and undefined members but not array order', () => {
    assert.ok(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }));
    assert.ok(sameJson({ a: 1, x: undefined }, { a: 1 }));
    assert.ok(!sameJson({ c: [1, 2] }, { c: [2, 1] }));
    assert.ok(!sameJson({ a: null }, { a: {} }));
    assert.ok(!sameJson([], {}));
    assert.ok(!sameJson({ a: 1 }, { a: 1, b: 2 }));
  });
});
