import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maxSurge, maxUnavailable, resolveFenceposts, scaledValue } from './fenceposts.ts';
import type { DeploymentObject } from './types.ts';

function d(replicas: number, strategy: unknown): DeploymentObject {
  return {
    metadata: {},
    spec: { replicas, strategy, selector: {}, template: {} },
  } as DeploymentObject;
}

describe('rolling update fenceposts', () => {
  it('rounds surge up and unavailability down', () => {
    assert.equal(scaledValue('25%', 10, true, 'x'), 3);
    assert.equal(scaledValue('25%', 10, false, 'x'), 2);
    assert.equal(scaledValue('1%', 1, true, 'x'), 1);
    assert.equal(scaledValue('1%', 1, false, 'x'), 0);
    assert.equal(scaledValue(4, 10, false, 'x'), 4);
  });

  it('allows one unavailable pod when both resolve to zero', () => {
    assert.deepEqual(resolveFenceposts('0%', '10%', 5), { surge: 0, unavailable: 1 });
    assert.deepEqual(resolveFenceposts(0, 0, 5), { surge: 0, unavailable: 1 });
    assert.deepEqual(resolveFenceposts('1%', '25%', 2), { surge: 1, unavailable: 0 });
  });

  it('refuses a value that is neither a number nor a percentage', () => {
    assert.throws(() => scaledValue('lots', 3, true, 'spec.strategy.rollingUpdate.maxSurge'), {
      code: 'ERR_INVALID',
      message: /^spec\.strategy\.rollingUpdate\.maxSurge: Invalid value: "lots"/,
    });
  });

  it('caps maxUnavailable at the replica count and is zero for Recreate', () => {
    const rolling = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 5 } };
    assert.equal(maxUnavailable(d(3, rolling)), 3);
    assert.equal(maxUnavailable(d(0, rolling)), 0);
    assert.equal(maxSurge(d(3, rolling)), 1);
    assert.equal(maxSurge(d(3, { type: 'Recreate' })), 0);
    assert.equal(maxUnavailable(d(3, { type: 'Recreate' })), 0);
  });

  it('defaults to 25% each when the strategy leaves them out', () => {
    assert.equal(maxSurge(d(10, undefined)), 3);
    assert.equal(maxUnavailable(d(10, undefined)), 2);
  });
});
