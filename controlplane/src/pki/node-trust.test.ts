import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { peerIdFromEd25519 } from '@wisp/api/wire/identity.ts';
import { seededRandom } from '@wisp/core';
import { loadOrCreateCa } from './ca.ts';
import { generateKeyPair } from './keys.ts';
import { issueNodeCertificate } from './node-cert.ts';
import { createNodeTrust } from './node-trust.ts';
import { manualClock, withTempDir } from './test-support.ts';

async function setup() {
  const clock = manualClock();
  const ca = await withTempDir((dir) =>
    loadOrCreateCa(dir, { clock, random: seededRandom(1), commonName: 'ca' }),
  );
  const jwk = generateKeyPair(seededRandom(2)).publicKey.export({ format: 'jwk' });
  const key = new Uint8Array(Buffer.from(jwk.x!, 'base64url'));
  const certPem = await issueNodeCertificate(ca, {
    nodeName: 'edge-1',
    ed25519PublicKey: key,
    x25519PublicKey: new Uint8Array(32),
    podCidr: '10.42.0.0/24',
    site: '',
    validityMs: 3_600_000,
  });
  const revoked = new Set<string>();
  const trust = createNodeTrust(
    { caPem: ca.certPem },
    { clock, revocations: { isRevoked: (n) => revoked.has(n) } },
  );
  return { clock, certPem, trust, revoked, peerId: peerIdFromEd25519(key) };
}

describe('createNodeTrust', () => {
  it('trusts a fresh certificate as PEM or DER, for its own peer only', async () => {
    const { certPem, trust, peerId } = await setup();
    const der = new X509Certificate(certPem).raw;
    assert.equal(trust.isCertificateTrusted(certPem, peerId), true);
    assert.equal(trust.isCertificateTrusted(der), true);
    assert.equal(trust.isCertificateTrusted(certPem, peerIdFromEd25519(new Uint8Array(32))), false);
  });

  it('stops trusting a remembered certificate once the node is revoked', async () => {
    const { certPem, trust, revoked } = await setup();
    assert.equal(trust.isCertificateTrusted(certPem), true);
    revoked.add('edge-1');
    assert.deepEqual(trust.check(certPem), { trusted: false, reason: 'node "edge-1" is revoked' });
  });

  it('stops trusting a remembered certificate once the clock passes its end', async () => {
    const { certPem, trust, clock } = await setup();
    assert.equal(trust.isCertificateTrusted(certPem), true);
    clock.advance(3_600_001);
    assert.deepEqual(trust.check(certPem), { trusted: false, reason: 'expired' });
  });

  it('refuses garbage without throwing', async () => {
    const { trust } = await setup();
    assert.equal(trust.isCertificateTrusted('not a certificate'), false);
    assert.equal(trust.isCertificateTrusted(new Uint8Array([1, 2, 3])), false);
  });
});
