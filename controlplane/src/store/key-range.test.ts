import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prefixUpperBound } from './key-range.ts';

describe('prefixUpperBound', () => {
  it('increments the last character so /a/ excludes /ab/', () => {
    const upper = prefixUpperBound('/a/');
    assert.equal(upper, '/a0');
    assert.ok('/a/zzz' < upper!);
    assert.ok('/ab/' >= upper!);
  });

  it('has no upper bound for the empty prefix', () => {
    assert.equal(prefixUpperBound(''), undefined);
  });

  it('carries past the largest code point', () => {
    assert.equal(prefixUpperBound('a\u{10ffff}'), 'b');
    assert.equal(prefixUpperBound('\u{10ffff}'), undefined);
  });

  it('skips the surrogate range', () => {
    assert.equal(prefixUpperBound('\ud7ff'), '\ue000');
  });
});
