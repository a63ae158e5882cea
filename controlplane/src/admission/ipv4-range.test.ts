import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { intToIPv4, ipv4ToInt, parseIPv4Range } from './ipv4-range.ts';

describe('IPv4 ranges', () => {
  it('leaves the network and broadcast addresses out of the usable range', () => {
    const r = parseIPv4Range('10.43.0.0/16');
    assert.equal(r.size, 65_534);
    assert.equal(r.at(0), '10.43.0.1');
    assert.equal(r.at(r.size - 1), '10.43.255.254');
    assert.ok(!r.contains('10.43.0.0'));
    assert.ok(!r.contains('10.43.255.255'));
    assert.ok(!r.contains('10.44.0.1'));
  });

  it('normalises a CIDR given with host bits set', () => {
    assert.equal(parseIPv4Range('10.43.7.9/16').cidr, '10.43.0.0/16');
  });

  it('refuses ranges it cannot allocate from', () => {
    assert.throws(() => parseIPv4Range('10.43.0.0/31'));
    assert.throws(() => parseIPv4Range('fd00::/64'));
  });

  it('maps every usable offset to an address and back', () => {
    const r = parseIPv4Range('10.43.0.0/16');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: r.size - 1 }), (offset) => {
        assert.equal(r.offsetOf(r.at(offset)), offset);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        assert.equal(ipv4ToInt(intToIPv4(n)), n);
      }),
    );
  });
});
