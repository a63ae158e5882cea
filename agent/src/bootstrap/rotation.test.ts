import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseNodeIdentity } from '@wisp/api/wire/identity.ts';
import { seededRandom } from '@wisp/core';
import { FakeClock } from '@wisp/testkit';
import type { NodeCredentials } from './bootstrap.ts';
import { createCertificateRotator, renewAtMs } from './rotation.ts';
import { fixtureStartMs, nodeCertPem, renewedCertPem } from './test/fixtures.ts';

const id = parseNodeIdentity(nodeCertPem);
const lifetimeMs = id.notAfterMs - id.notBeforeMs;
const dayMs = 24 * 3600 * 1000;

const creds = (certificatePem: string) =>
  ({ dir: '/nowhere', keys: {}, state: { certificatePem } }) as unknown as NodeCredentials;

describe('renewAtMs', () => {
  it('picks a point between 70% and 90% of the lifetime', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const at = renewAtMs(nodeCertPem, seededRandom(seed));
        assert.ok(at >= id.notBeforeMs + 0.7 * lifetimeMs - 1);
        assert.ok(at <= id.notBeforeMs + 0.9 * lifetimeMs);
      }),
      { numRuns: 50 },
    );
  });
});

describe('createCertificateRotator', () => {
  it('renews once when due, across timer limits, and reports the new credentials', async () => {
    const clock = new FakeClock({ nowMs: fixtureStartMs });
    const calls: number[] = [];
    const renewed: NodeCredentials[] = [];
    const rotator = createCertificateRotator(
      {},
      {
        clock,
        random: seededRandom(1),
        credentials: creds(nodeCertPem),
        renew: async () => {
          calls.push(clock.now());
          return creds(renewedCertPem);
        },
        onRenewed: (next) => renewed.push(next),
      },
    );
    await rotator.start();
    const due = rotator.nextRenewalAtMs();
    assert.ok(due - clock.now() > 60 * dayMs, 'due well past the 24.8-day timer limit');
    await clock.advanceAsync(due - clock.now() - 1);
    assert.deepEqual(calls, []);
    await clock.advanceAsync(1);
    assert.deepEqual(calls, [due]);
    assert.equal(rotator.current().state.certificatePem, renewedCertPem);
    assert.equal(renewed.length, 1);
    assert.ok(rotator.nextRenewalAtMs() > due + 50 * dayMs);
    await rotator.stop();
  });

  it('retries a refused renewal with doubling back-off up to its cap', async () => {
    const clock = new FakeClock({ nowMs: fixtureStartMs });
    const calls: number[] = [];
    const errors: unknown[] = [];
    const rotator = createCertificateRotator(
      { retryMsMin: 1000, retryMsMax: 4000, renewFractionMin: 0, renewFractionMax: 0 },
      {
        clock,
        random: seededRandom(2),
        credentials: creds(nodeCertPem),
        renew: async () => {
          calls.push(clock.now());
          throw new Error('refused');
        },
        onError: (e) => errors.push(e),
      },
    );
    await rotator.start();
    await clock.advanceAsync(20_000);
    const gaps = calls.slice(1).map((t, i) => t - calls[i]);
    assert.deepEqual(gaps.slice(0, 4), [1000, 2000, 4000, 4000]);
    assert.equal(errors.length, calls.length);
    await rotator.stop();
  });

  it('does nothing after stop', async () => {
    const clock = new FakeClock({ nowMs: fixtureStartMs });
    let calls = 0;
    const rotator = createCertificateRotator(
      {},
      {
        clock,
        random: seededRandom(3),
        credentials: creds(nodeCertPem),
        renew: async (c) => {
          calls++;
          return c;
        },
      },
    );
    await rotator.start();
    await rotator.stop();
    await clock.advanceAsync(100 * dayMs);
    assert.equal(calls, 0);
  });
});
