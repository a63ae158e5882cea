import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { seededRandom } from '@wisp/core';
import { loadOrCreateCa, type ClusterCa } from '../pki/ca.ts';
import { issueClientCert, issueServerCert } from '../pki/issue.ts';
import { manualClock, withTempDir } from '../pki/test-support.ts';
import { bearerToken, createAuthenticator } from './authn.ts';
import type { UserInfo } from './user-info.ts';

function newCa(seed: number): Promise<ClusterCa> {
  return withTempDir((dir) =>
    loadOrCreateCa(dir, { clock: manualClock(), random: seededRandom(seed), commonName: 'ca' }),
  );
}

const raw = (certPem: string) => new X509Certificate(certPem).raw;

const tokens = {
  lookup: (t: string): UserInfo | undefined =>
    t === 'good.token' ? { name: 'ci', groups: ['deployers'] } : undefined,
};

describe('createAuthenticator', () => {
  it('takes the user from CN and the groups from O of a verified client certificate', async () => {
    const ca = await newCa(1);
    const { certPem } = await issueClientCert(ca, {
      user: 'alice',
      groups: ['devs', 'ops'],
      days: 1,
    });
    const authenticate = createAuthenticator({ caPem: ca.certPem, tokens });
    const user = await authenticate({ authorized: true, peerCertificate: { raw: raw(certPem) } });
    assert.deepEqual(user, { name: 'alice', groups: ['devs', 'ops', 'system:authenticated'] });
  });

  it('ignores a certificate the TLS layer did not verify', async () => {
    const ca = await newCa(1);
    const { certPem } = await issueClientCert(ca, { user: 'alice', groups: [], days: 1 });
    const authenticate = createAuthenticator({ tokens });
    const user = await authenticate({ authorized: false, peerCertificate: { raw: raw(certPem) } });
    assert.equal(user, undefined);
  });

  it('ignores a certificate from another CA even if the TLS layer trusted it', async () => {
    const [ours, theirs] = [await newCa(1), await newCa(2)];
    const { certPem } = await issueClientCert(theirs, { user: 'mallory', groups: [], days: 1 });
    const authenticate = createAuthenticator({ caPem: ours.certPem });
    const user = await authenticate({ authorized: true, peerCertificate: { raw: raw(certPem) } });
    assert.equal(user, undefined);
  });

  it('ignores a certificate not meant for client authentication', async () => {
    const ca = await newCa(1);
    const { certPem } = await issueServerCert(ca, { hosts: ['localhost'], days: 1 });
    const authenticate = createAuthenticator({ caPem: ca.certPem });
    const user = await authenticate({ authorized: true, peerCertificate: { raw: raw(certPem) } });
    assert.equal(user, undefined);
  });

  it('accepts a known bearer token and adds system:authenticated', async () => {
    const authenticate = createAuthenticator({ tokens });
    const user = await authenticate({ authorized: false, authorization: 'Bearer good.token' });
    assert.deepEqual(user, { name: 'ci', groups: ['deployers', 'system:authenticated'] });
  });

  it('falls back to the token when the certificate is not trusted', async () => {
    const ca = await newCa(1);
    const { certPem } = await issueClientCert(ca, { user: 'alice', groups: [], days: 1 });
    const authenticate = createAuthenticator({ tokens });
    const user = await authenticate({
      authorized: false,
      peerCertificate: { raw: raw(certPem) },
      authorization: 'bearer good.token',
    });
    assert.equal(user?.name, 'ci');
  });

  it('treats an unknown token and no credentials at all as anonymous', async () => {
    const authenticate = createAuthenticator({ tokens });
    assert.equal(await authenticate({ authorized: false, authorization: 'Bearer bad' }), undefined);
    assert.equal(await authenticate({ authorized: false }), undefined);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header, in any case of the scheme', () => {
    assert.equal(bearerToken('Bearer abc.def'), 'abc.def');
    assert.equal(bearerToken('  bearer abc  '), 'abc');
  });

  it('refuses other schemes and malformed headers', () => {
    assert.equal(bearerToken('Basic dXNlcjpwdw=='), undefined);
    assert.equal(bearerToken('Bearer'), undefined);
    assert.equal(bearerToken('Bearer a b'), undefined);
    assert.equal(bearerToken(undefined), undefined);
  });
});
