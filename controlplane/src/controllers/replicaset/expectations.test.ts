import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '@wisp/testkit';
import { createExpectations } from './expectations.ts';

describe('controller expectations', () => {
  it('are met once every expected creation has been observed', () => {
    const e = createExpectations({}, new FakeClock());
    assert.ok(e.satisfied('default/web'), 'nothing expected yet');
    e.expectCreations('default/web', 2);
    e.creationObserved('default/web');
    assert.ok(!e.satisfied('default/web'));
    e.creationObserved('default/web');
    assert.ok(e.satisfied('default/web'));
  });

  it('count each expected deletion once, and ignore pods they were not waiting for', () => {
    const e = createExpectations({}, new FakeClock());
    e.expectDeletions('default/web', ['default/a', 'default/b']);
    e.deletionObserved('default/web', 'default/a');
    e.deletionObserved('default/web', 'default/a');
    e.deletionObserved('default/web', 'default/zzz');
    assert.ok(!e.satisfied('default/web'));
    e.deletionObserved('default/web', 'default/b');
    assert.ok(e.satisfied('default/web'));
  });

  it('give up after the timeout so a lost event cannot stall an owner', () => {
    const clock = new FakeClock();
    const e = createExpectations({ expectationsTimeoutMs: 1000 }, clock);
    e.expectCreations('default/web', 1);
    clock.advance(1000);
    assert.ok(!e.satisfied('default/web'));
    clock.advance(1);
    assert.ok(e.satisfied('default/web'));
  });

  it('are dropped with their owner', () => {
    const e = createExpectations({}, new FakeClock());
    e.expectCreations('default/web', 3);
    e.forget('default/web');
    assert.ok(e.satisfied('default/web'));
  });
});
