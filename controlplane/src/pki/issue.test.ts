import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { seededRandom } from '@wisp/core';
import { loadOrCreateCa, type ClusterCa } from './ca.ts';
import { CertificateRequestError } from './errors.ts';
import { issueClientCert, issueServerCert, signPublicKey } from './issue.ts';
import { generateKeyPair } from './keys.ts';
import { manualClock, testEpochMs, withTempDir } from './test-support.ts';
import { x509 } from './x509.ts';

const clientAuthOid = '1.3.6.1.5.5.7.3.2';
const serverAuthOid = '1.3.6.1.5.5.7.3.1';

function newCa(seed = 1): Promise<ClusterCa> {
  return withTempDir((dir) =>
    loadOrCreateCa(dir, {
      clock: manualClock(),
      random: seededRandom(seed),
      commonName: 'test-ca',
    }),
  );
}

function assertSignedBy(certPem: string, ca: ClusterCa): X509Certificate {
  const cert = new X509Certificate(certPem);
  const caCert = new X509Certificate(ca.certPem);
  assert.ok(cert.verify(caCert.publicKey), 'signature verifies with the CA key');
  assert.ok(cert.checkIssued(caCert), 'issuer name and key id match the CA');
  assert.equal(cert.ca, false);
  return cert;
}

describe('issueServerCert', () => {
  it('covers every requested DNS name and IP address, IPv6 included', async () => {
    const ca = await newCa();
    const hosts = ['localhost', 'edge-1', '127.0.0.1', '::1', '10.0.0.7'];
    const { certPem } = await issueServerCert(ca, { hosts, days: 30 });
    const cert = assertSignedBy(certPem, ca);
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkHost('edge-1'), 'edge-1');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkIP('::1'), '::1');
    assert.equal(cert.checkIP('10.0.0.8'), undefined);
    assert.deepEqual(cert.keyUsage, [serverAuthOid]);
  });

  it('returns a key that matches the certificate', async () => {
    const ca = await newCa();
    const { certPem, keyPem } = await issueServerCert(ca, { hosts: ['localhost'], days: 1 });
    const data = Buffer.from('proof');
    const signature = sign(null, data, createPrivateKey(keyPem));
    assert.ok(verify(null, data, new X509Certificate(certPem).publicKey, signature));
  });

  it('is valid for the requested days from the injected clock', async () => {
    const ca = await newCa();
    const { certPem } = await issueServerCert(ca, { hosts: ['localhost'], days: 30 });
    const cert = new X509Certificate(certPem);
    assert.equal(cert.validToDate.getTime(), testEpochMs + 30 * 86_400_000);
    assert.ok(cert.validFromDate.getTime() < testEpochMs);
  });

  it('refuses an empty host list', async () => {
    const ca = await newCa();
    await assert.rejects(issueServerCert(ca, { hosts: [], days: 1 }), /hosts: Required value/);
  });
});

describe('issueClientCert', () => {
  it('puts the user in CN and each group in an O, for client auth only', async () => {
    const ca = await newCa();
    const { certPem } = await issueClientCert(ca, {
      user: 'alice',
      groups: ['system:masters', 'devs, ops'],
      days: 365,
    });
    const cert = assertSignedBy(certPem, ca);
    const subject = new x509.X509Certificate(certPem).subjectName;
    assert.deepEqual(subject.getField('CN'), ['alice']);
    assert.deepEqual(subject.getField('O'), ['system:masters', 'devs, ops']);
    assert.deepEqual(cert.keyUsage, [clientAuthOid]);
  });

  it('rejects a validity of zero days with the field named', async () => {
    const ca = await newCa();
    await assert.rejects(issueClientCert(ca, { user: 'a', groups: [], days: 0 }), {
      name: 'CertificateRequestError',
      message: /^days: Invalid value: 0/,
    });
  });

  it('rejects an empty user name', async () => {
    const ca = await newCa();
    await assert.rejects(
      issueClientCert(ca, { user: '', groups: [], days: 1 }),
      CertificateRequestError,
    );
  });
});

describe('signPublicKey', () => {
  it('certifies a key the caller holds, which the CA never sees the private half of', async () => {
    const ca = await newCa();
    const node = generateKeyPair(seededRandom(99));
    const certPem = await signPublicKey(ca, node.publicKey, {
      commonName: 'system:node:edge-1',
      organizations: ['system:nodes'],
      days: 365,
      usages: ['clientAuth', 'serverAuth'],
    });
    const cert = assertSignedBy(certPem, ca);
    assert.ok(cert.publicKey.equals(createPublicKey(node.privateKey)));
  });

  it('refuses to mint another CA', async () => {
    const ca = await newCa();
    const node = generateKeyPair(seededRandom(3));
    await assert.rejects(
      signPublicKey(ca, node.publicKey, { commonName: 'evil', days: 1, isCa: true }),
      /isCa: Forbidden/,
    );
  });
});
