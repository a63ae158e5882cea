import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCores, quantityValue } from './quantity.ts';

describe('quantityValue', () => {
  it('reads decimal and binary suffixes and exponents', () => {
    assert.equal(quantityValue('250m'), 0.25);
    assert.equal(quantityValue('2'), 2);
    assert.equal(quantityValue('64Mi'), 64 * 2 ** 20);
    assert.equal(quantityValue('1k'), 1000);
    assert.equal(quantityValue('1e3'), 1000);
  });

  it('counts a missing or malformed quantity as 0', () => {
    assert.equal(quantityValue(undefined), 0);
    assert.equal(quantityValue('lots'), 0);
    assert.equal(quantityValue('5Xi'), 0);
  });

  it('prints cores and bytes briefly', () => {
    assert.equal(formatCores(0.25), '250m');
    assert.equal(formatCores(2), '2');
    assert.equal(formatBytes(24684084 * 1024), '23.5Gi');
  });
});
