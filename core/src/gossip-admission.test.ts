import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@wisp/testkit';
import { AdmissionTracker } from './gossip-admission.ts';

function tracker() {
  const clock = new FakeClock();
  const expired: string[] = [];
  const t = new AdmissionTracker(
    { admissionTimeoutMs: 1000 },
    { clock, onExpired: (p) => expired.push(p) },
  );
  return { clock, expired, t };
}

describe('AdmissionTracker', () => {
  it('refuses and reports a peer still pending at the deadline, not before', () => {
    const { clock, expired, t } = tracker();
    t.connected('p');
    clock.advance(999);
    assert.equal(t.state('p'), 'pending');
    clock.advance(1);
    assert.equal(t.state('p'), 'refused');
    assert.deepEqual(expired, ['p']);
  });

  it('keeps an admitted peer past the deadline and lists it', () => {
    const { clock, expired, t } = tracker();
    t.connected('p');
    assert.equal(t.admit('p'), true);
    assert.equal(t.admit('p'), false);
    clock.advance(5000);
    assert.deepEqual(expired, []);
    assert.deepEqual(t.admitted(), ['p']);
  });

  it('resolves waiters with the decision, and at once once decided', async () => {
    const { t } = tracker();
    const a = t.decided('a');
    const b = t.decided('b');
    t.admit('a');
    t.refuse('b');
    assert.deepEqual(await Promise.all([a, b, t.decided('a')]), [true, false, true]);
  });

  it('tells waiters no when the peer disconnects, and forgets it', async () => {
    const { clock, expired, t } = tracker();
    const waiting = t.decided('p');
    assert.equal(t.disconnected('p'), false);
    assert.equal(await waiting, false);
    assert.equal(t.state('p'), undefined);
    clock.advance(5000);
    assert.deepEqual(expired, []);
  });

  it('never admits a refused peer until it reconnects', () => {
    const { t } = tracker();
    t.refuse('p');
    assert.equal(t.admit('p'), false);
    t.disconnected('p');
    t.connected('p');
    assert.equal(t.admit('p'), true);
  });
});
