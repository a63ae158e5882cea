import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatAge } from './format-age.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');

describe('formatAge', () => {
  it('prints seconds, minutes, hours and days as kubectl does', () => {
    const at = (s: number) => formatAge('2026-01-01T00:00:00Z', t0 + s * 1000);
    assert.deepEqual(
      [at(45), at(119), at(120), at(7199), at(7200), at(48 * 3600)],
      ['45s', '119s', '2m', '119m', '2h', '2d'],
    );
  });

  it('shows a future timestamp as 0s and a missing or bad one as empty', () => {
    assert.equal(formatAge('2026-01-01T00:01:00Z', t0), '0s');
    assert.equal(formatAge(undefined, t0), '');
    assert.equal(formatAge('not a date', t0), '');
  });
});
