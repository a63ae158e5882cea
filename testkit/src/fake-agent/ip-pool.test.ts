import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IpPool, PodIpsExhaustedError } from './ip-pool.ts';

describe('IpPool', () => {
  it('hands out the lowest free address after the gateway, stable per key', () => {
    const pool = new IpPool('10.42.3.0/24');
    assert.equal(pool.gateway(), '10.42.3.1');
    assert.equal(pool.allocate('a'), '10.42.3.2');
    assert.equal(pool.allocate('b'), '10.42.3.3');
    assert.equal(pool.allocate('a'), '10.42.3.2');
    pool.release('a');
    assert.equal(pool.get('a'), undefined);
    assert.equal(pool.allocate('c'), '10.42.3.2');
    assert.equal(pool.inUse(), 2);
  });

  it('runs out at the edge of the range, never handing out the broadcast address', () => {
    const pool = new IpPool('10.0.0.0/30');
    assert.equal(pool.allocate('a'), '10.0.0.2');
    assert.throws(() => pool.allocate('b'), PodIpsExhaustedError);
    const wide = new IpPool('10.42.7.0/24');
    for (let i = 0; i < 253; i++) wide.allocate(`p${i}`);
    assert.equal(wide.get('p252'), '10.42.7.254');
    assert.throws(() => wide.allocate('one-more'), PodIpsExhaustedError);
  });

  it('refuses a range that is not an IPv4 CIDR', () => {
    for (const bad of ['10.42.0.0', '10.42.0.0/31', '300.1.1.1/24', 'fd00::/64']) {
      assert.throws(() => new IpPool(bad), TypeError, bad);
    }
  });
});
