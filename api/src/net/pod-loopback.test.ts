import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podLoopback } from './pod-loopback.ts';

describe('podLoopback', () => {
  it('keeps the last three octets of the pod IP under 127/8', () => {
    assert.equal(podLoopback('10.42.7.12'), '127.42.7.12');
    assert.equal(podLoopback('10.42.0.2'), '127.42.0.2');
  });

  it('refuses what is not an IPv4 address', () => {
    assert.throws(() => podLoopback('fd00::1'), /podIP: "fd00::1" is not an IPv4 address/);
    assert.throws(() => podLoopback('10.42.300.1'), RangeError);
  });
});
