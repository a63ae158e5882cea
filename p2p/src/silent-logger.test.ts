import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from './silent-logger.ts';

describe('silentLogger', () => {
  it('hands out disabled loggers whose every method and scope can be called', () => {
    const log = silentLogger.forComponent('libp2p:yamux');
    assert.equal(log.enabled, false);
    const scoped = log.newScope('stream:1').newScope('mss:select');
    assert.equal(scoped.enabled, false);
    for (const l of [log, scoped]) {
      assert.equal(l('opened %s', 'x'), undefined);
      assert.equal(l.error('failed %e', new Error('x')), undefined);
      assert.equal(l.trace('read %d bytes', 3), undefined);
    }
  });
});
