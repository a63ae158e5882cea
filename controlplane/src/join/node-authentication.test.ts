import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createAuthenticator } from '../auth/authn.ts';
import { issueClientCert } from '../pki/issue.ts';
import { joinFixture, joinRequest, type JoinFixture } from './test/join-fixture.ts';

describe('withNodeCertificateChecks', () => {
  let f: JoinFixture;
  let nodeDer: Buffer;
  before(async () => {
    f = await joinFixture();
    const token = (await f.nodes.tokens.create({ ttlMs: 0 })).token;
    const answer = await f.nodes.joins.join(token, joinRequest('edge-1'));
    nodeDer = new X509Certificate(answer.certificatePem).raw;
  });
  after(() => f.close());

  const authenticate = () =>
    f.nodes.checked(
      createAuthenticator({
        caPem: f.ca.certPem,
        tokens: { lookup: (t) => (t === 'good' ? { name: 'ci', groups: [] } : undefined) },
      }),
    );

  it('passes a trusted node certificate through as system:node:<name>', async () => {
    const user = await authenticate()({ authorized: true, peerCertificate: { raw: nodeDer } });
    assert.equal(user?.name, 'system:node:edge-1');
    assert.ok(user?.groups.includes('system:nodes'));
  });

  it('treats a revoked node as anonymous, unless a good token comes with it', async () => {
    await f.nodes.revocations.revoke('edge-1');
    const auth = authenticate();
    assert.equal(await auth({ authorized: true, peerCertificate: { raw: nodeDer } }), undefined);
    const withToken = await auth({
      authorized: true,
      peerCertificate: { raw: nodeDer },
      authorization: 'Bearer good',
    });
    assert.equal(withToken?.name, 'ci');
  });

  it('refuses a plain client certificate that claims to be a node', async () => {
    const fake = await issueClientCert(f.ca, {
      user: 'system:node:edge-2',
      groups: ['system:nodes'],
      days: 1,
    });
    const raw = new X509Certificate(fake.certPem).raw;
    assert.equal(await authenticate()({ authorized: true, peerCertificate: { raw } }), undefined);
  });

  it('leaves other users alone', async () => {
    const admin = await issueClientCert(f.ca, { user: 'admin', groups: [], days: 1 });
    const raw = new X509Certificate(admin.certPem).raw;
    const user = await authenticate()({ authorized: true, peerCertificate: { raw } });
    assert.equal(user?.name, 'admin');
  });
});
