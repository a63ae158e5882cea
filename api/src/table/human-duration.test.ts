import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, since } from './human-duration.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

describe('humanDuration', () => {
  const cases: [number, string][] = [
    [-3 * S, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [999, '0s'],
    [5 * S, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 2 * S, '3m2s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [4 * H + 5 * M, '4h5m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [2 * D + 3 * H, '2d3h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [2 * Y, '2y'],
    [2 * Y + 10 * D, '2y10d'],
    [8 * Y + 100 * D, '8y'],
  ];
  for (const [ms, text] of cases) {
    it(`prints ${ms} ms as ${text}`, () => assert.equal(humanDuration(ms), text));
  }
});

describe('since', () => {
  it('measures an RFC 3339 timestamp against the given now', () => {
    assert.equal(since('2026-01-10T11:57:00Z', Date.parse('2026-01-10T12:00:00Z')), '3m');
  });

  it('prints <unknown> for a missing or unreadable timestamp', () => {
    assert.equal(since(undefined, 0), '<unknown>');
    assert.equal(since('yesterday', 0), '<unknown>');
  });
});
