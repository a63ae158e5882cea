import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertBytesWithin,
  assertTopicAllowed,
  gossipLimitDefaults,
  isTopicAllowed,
  resolveGossipLimits,
} from './gossip-limits.ts';

describe('gossip limits', () => {
  it('defaults to a 1 MiB message cap and keeps given values', () => {
    const limits = resolveGossipLimits({ allowedTopics: ['t'], requestTimeoutMs: 50 });
    assert.equal(limits.gossipMessageBytesMax, 1024 * 1024);
    assert.equal(limits.requestTimeoutMs, 50);
    assert.equal(limits.admissionTimeoutMs, gossipLimitDefaults.admissionTimeoutMs);
  });

  it('refuses limits that are not positive integers, naming the field', () => {
    assert.throws(
      () => resolveGossipLimits({ allowedTopics: [], gossipMessageBytesMax: 0 }),
      /gossipMessageBytesMax: Invalid value: 0/,
    );
    assert.throws(() => resolveGossipLimits({ allowedTopics: [''] }), /allowedTopics\[0\]/);
  });

  it('checks sizes inclusively and topics against the list', () => {
    assert.doesNotThrow(() => assertBytesWithin(new Uint8Array(4), 4, 'data'));
    assert.throws(
      () => assertBytesWithin(new Uint8Array(5), 4, 'data'),
      (e: Error & { code?: string }) => e.code === 'ERR_TOO_LARGE' && e.message.startsWith('data:'),
    );
    assert.doesNotThrow(() => assertTopicAllowed({ allowedTopics: ['a'] }, 'a'));
    assert.throws(
      () => assertTopicAllowed({ allowedTopics: ['a'] }, 'b'),
      (e: Error & { code?: string }) =>
        e.code === 'ERR_FORBIDDEN' && e.message.startsWith('topic:'),
    );
  });

  it('allows topics by prefix as well as by exact name, but not the bare prefix', () => {
    const limits = resolveGossipLimits({
      allowedTopics: ['/wisp/cluster/1'],
      allowedTopicPrefixes: ['/wisp/site/'],
    });
    assert.equal(isTopicAllowed(limits, '/wisp/cluster/1'), true);
    assert.equal(isTopicAllowed(limits, '/wisp/site/store-new/1'), true);
    assert.equal(isTopicAllowed(limits, '/wisp/site/'), false);
    assert.equal(isTopicAllowed(limits, '/wisp/other/1'), false);
    assert.equal(isTopicAllowed({ allowedTopics: ['a'] }, 'ab'), false);
  });

  it('refuses an empty prefix, which would allow every topic', () => {
    assert.throws(
      () => resolveGossipLimits({ allowedTopics: [], allowedTopicPrefixes: [''] }),
      /allowedTopicPrefixes\[0\]: Required value/,
    );
  });
});
