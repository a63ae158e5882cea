import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNodeIdentity } from '@wisp/api/wire/identity.ts';
import { FakeClock } from '@wisp/testkit';
import { createPeerTrust } from './peer-trust.ts';
import {
  caPem,
  fixtureLifetimeMs,
  fixtureStartMs,
  foreignCertPem,
  nodeCertPem,
} from './test/fixtures.ts';

describe('createPeerTrust', () => {
  const peerId = parseNodeIdentity(nodeCertPem).peerId;

  it('admits a peer showing its own certificate from our CA', () => {
    const trust = createPeerTrust({ caPem }, { clock: new FakeClock({ nowMs: fixtureStartMs }) });
    assert.equal(trust.isCertificateTrusted(nodeCertPem, peerId), true);
  });

  it('refuses another CA, another peer, a revoked node and an expired certificate', () => {
    const clock = new FakeClock({ nowMs: fixtureStartMs });
    const trust = createPeerTrust({ caPem }, { clock });
    assert.equal(trust.isCertificateTrusted(foreignCertPem, peerId), false);
    assert.equal(trust.isCertificateTrusted(nodeCertPem, '12D3KooWnotthispeer'), false);
    trust.revoke('edge-1');
    assert.equal(trust.isRevoked('edge-1'), true);
    assert.deepEqual(trust.check(nodeCertPem, peerId), {
      trusted: false,
      reason: 'node "edge-1" is revoked',
    });
    const later = createPeerTrust({ caPem }, { clock });
    clock.advance(fixtureLifetimeMs);
    assert.deepEqual(later.check(nodeCertPem), { trusted: false, reason: 'expired' });
  });
});
