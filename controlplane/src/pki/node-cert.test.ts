import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { seededRandom } from '@wisp/core';
import {
  checkNodeCertificate,
  isCertificateTrusted,
  parseNodeIdentity,
  peerIdFromEd25519,
} from '@wisp/api/wire/identity.ts';
import { caCertificateHash } from '@wisp/api/wire/join.ts';
import { loadOrCreateCa, type ClusterCa } from './ca.ts';
import { caHash } from './ca-hash.ts';
import { generateKeyPair } from './keys.ts';
import { issueNodeCertificate } from './node-cert.ts';
import { manualClock, testEpochMs, withTempDir } from './test-support.ts';

const dayMs = 24 * 3600 * 1000;

function newCa(seed = 1): Promise<ClusterCa> {
  return withTempDir((dir) =>
    loadOrCreateCa(dir, { clock: manualClock(), random: seededRandom(seed), commonName: 'ca' }),
  );
}

function nodeKey(seed: number): Uint8Array {
  const { publicKey } = generateKeyPair(seededRandom(seed));
  return new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
}

const x25519 = new Uint8Array(32).fill(7);

async function issue(ca: ClusterCa, overrides: { site?: string; validityMs?: number } = {}) {
  const ed25519PublicKey = nodeKey(9);
  const certPem = await issueNodeCertificate(ca, {
    nodeName: 'edge-1',
    ed25519PublicKey,
    x25519PublicKey: x25519,
    podCidr: '10.42.3.0/24',
    site: overrides.site ?? 'store-42',
    validityMs: overrides.validityMs ?? 30 * dayMs,
  });
  return { certPem, ed25519PublicKey };
}

describe('issueNodeCertificate', () => {
  it('certifies the node key as system:node:<name> in group system:nodes', async () => {
    const ca = await newCa();
    const { certPem, ed25519PublicKey } = await issue(ca);
    const cert = new X509Certificate(certPem);
    assert.equal(cert.subject, 'CN=system:node:edge-1\nO=system:nodes');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.1']);
    assert.ok(cert.verify(new X509Certificate(ca.certPem).publicKey));
    const jwk = cert.publicKey.export({ format: 'jwk' });
    assert.deepEqual(new Uint8Array(Buffer.from(jwk.x!, 'base64url')), ed25519PublicKey);
  });

  it('carries peer id, X25519 key, pod CIDR and site that parse back', async () => {
    const ca = await newCa();
    const { certPem, ed25519PublicKey } = await issue(ca);
    const id = parseNodeIdentity(certPem);
    assert.equal(id.nodeName, 'edge-1');
    assert.equal(id.peerId, peerIdFromEd25519(ed25519PublicKey));
    assert.deepEqual(id.x25519PublicKey, x25519);
    assert.equal(id.podCidr, '10.42.3.0/24');
    assert.equal(id.site, 'store-42');
    assert.equal(id.notAfterMs - testEpochMs, 30 * dayMs);
  });

  it('leaves the site out for a node without one', async () => {
    const ca = await newCa();
    const { certPem } = await issue(ca, { site: '' });
    assert.equal(parseNodeIdentity(certPem).site, '');
    assert.doesNotMatch(new X509Certificate(certPem).subjectAltName!, /wisp:\/\/site/);
  });
});

describe('checkNodeCertificate', () => {
  it('trusts a certificate from the CA inside its validity window', async () => {
    const ca = await newCa();
    const { certPem } = await issue(ca);
    const v = checkNodeCertificate(certPem, { caPem: ca.certPem, nowMs: testEpochMs + dayMs });
    assert.equal(v.trusted, true);
  });

  it('refuses an expired certificate, by the given clock', async () => {
    const ca = await newCa();
    const { certPem } = await issue(ca, { validityMs: dayMs });
    const v = checkNodeCertificate(certPem, { caPem: ca.certPem, nowMs: testEpochMs + 2 * dayMs });
    assert.deepEqual(v, { trusted: false, reason: 'expired' });
  });

  it('refuses a certificate from another CA', async () => {
    const ca = await newCa(1);
    const other = await newCa(2);
    const { certPem } = await issue(other);
    const v = checkNodeCertificate(certPem, { caPem: ca.certPem, nowMs: testEpochMs });
    assert.deepEqual(v, { trusted: false, reason: 'not signed by the cluster CA' });
  });

  it('refuses a revoked node and a certificate shown by another peer', async () => {
    const ca = await newCa();
    const { certPem } = await issue(ca);
    const base = { caPem: ca.certPem, nowMs: testEpochMs };
    assert.equal(
      isCertificateTrusted(certPem, { ...base, isRevoked: (n) => n === 'edge-1' }),
      false,
    );
    const otherPeer = peerIdFromEd25519(nodeKey(10));
    const v = checkNodeCertificate(certPem, { ...base, peerId: otherPeer });
    assert.equal(v.trusted, false);
    assert.match((v as { reason: string }).reason, /not 12D3KooW/);
  });

  it('refuses a client certificate that is not a node certificate', async () => {
    const ca = await newCa();
    const { issueClientCert } = await import('./issue.ts');
    const admin = await issueClientCert(ca, { user: 'admin', groups: ['system:masters'], days: 1 });
    const v = checkNodeCertificate(admin.certPem, { caPem: ca.certPem, nowMs: testEpochMs });
    assert.equal(v.trusted, false);
    assert.match((v as { reason: string }).reason, /subject.CN/);
  });
});

describe('caCertificateHash', () => {
  it('is the hash the control plane writes into join tokens', async () => {
    const ca = await newCa();
    assert.equal(caCertificateHash(ca.certPem), caHash(ca.certPem));
  });
});
