import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { caPath, joinPath, renewPath, revocationsPath } from '@wisp/api/wire/join.ts';
import { decodeP2pInfo, p2pInfoPath, type P2pInfo } from '@wisp/api/wire/protocols.ts';
import { seededRandom } from '@wisp/core';
import { createApiApp } from '../apiserver/app.ts';
import { createAuthenticator } from '../auth/authn.ts';
import { bootstrapPolicy } from '../auth/bootstrap-policy.ts';
import { createRbacAuthorizer } from '../auth/rbac.ts';
import { staticRbacSource } from '../auth/rbac-source.ts';
import { openTokenStore } from '../auth/tokens.ts';
import { joinFixture, joinRequest, type JoinFixture } from './test/join-fixture.ts';

describe('join routes on the apiserver app', () => {
  let f: JoinFixture;
  let app: ReturnType<typeof createApiApp>;
  let admin: string;
  let viewer: string;
  let dir: string;
  let p2p: P2pInfo | undefined;

  before(async () => {
    f = await joinFixture();
    dir = await mkdtemp(join(tmpdir(), 'wisp-routes-'));
    const tokens = await openTokenStore(join(dir, 'tokens.json'), { random: seededRandom(1) });
    admin = (await tokens.create({ user: 'admin', groups: ['system:masters'] })).token;
    viewer = (await tokens.create({ user: 'viewer', groups: [] })).token;
    const authenticate = f.nodes.checked(createAuthenticator({ caPem: f.ca.certPem, tokens }));
    const authorizer = createRbacAuthorizer({
      source: staticRbacSource(bootstrapPolicy()),
    });
    app = createApiApp(
      {},
      {
        registry: f.registry,
        clock: f.clock,
        authenticate,
        authorizer,
        extraRoutes: f.nodes.routes(authenticate, authorizer, () => p2p),
      },
    );
  });
  after(async () => {
    await f.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, token?: string) =>
    app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('serves the CA to anyone, and nothing else of the API', async () => {
    const ca = await app.request(caPath);
    assert.equal(ca.status, 200);
    assert.equal(await ca.text(), f.ca.certPem);
    assert.equal((await app.request('/api/v1/nodes')).status, 401);
  });

  it('joins with a join token and refuses without one', async () => {
    const token = (await f.nodes.tokens.create({})).token;
    const ok = await post(joinPath, joinRequest('edge-1'), token);
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { nodeName: string }).nodeName, 'edge-1');
    const refused = await post(joinPath, joinRequest('edge-2'));
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { reason: string }).reason, 'Unauthorized');
  });

  it('answers a bad body with 422 and an oversized one with 413', async () => {
    const token = (await f.nodes.tokens.create({})).token;
    assert.equal((await post(joinPath, '{nope', token)).status, 422);
    const bad = await post(joinPath, { ...joinRequest('x'), nodeName: 'X!' }, token);
    assert.equal(bad.status, 422);
    assert.match(((await bad.json()) as { message: string }).message, /^nodeName: Invalid value/);
    const big = { ...joinRequest('edge-3'), labels: { a: 'b' }, pad: 'x'.repeat(70 * 1024) };
    assert.equal((await post(joinPath, big, token)).status, 413);
  });

  it('renews only for a trusted node certificate', async () => {
    assert.equal((await post(renewPath, {}, admin)).status, 401);
  });

  it('revokes for whoever may create nodes/revocation, and lists for any user', async () => {
    assert.equal((await post(revocationsPath, { nodeName: 'edge-9' })).status, 401);
    assert.equal((await post(revocationsPath, { nodeName: 'edge-9' }, viewer)).status, 403);
    assert.equal((await post(revocationsPath, { nodeName: 'Bad!' }, admin)).status, 422);
    assert.equal((await post(revocationsPath, { nodeName: 'edge-9' }, admin)).status, 200);
    assert.equal(f.nodes.revocations.isRevoked('edge-9'), true);
    const list = await app.request(revocationsPath, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    const names = ((await list.json()) as { revocations: { nodeName: string }[] }).revocations;
    assert.deepEqual(
      names.map((r) => r.nodeName),
      ['edge-9'],
    );
  });

  it('tells anyone the control plane libp2p addresses, or 503 while it runs none', async () => {
    p2p = undefined;
    assert.equal((await app.request(p2pInfoPath)).status, 503);
    const peerId = '12D3KooWK6S2waYszZTdVwwYpYsWkSfBM1ioP5GH1fTfZ9H933Sz';
    p2p = { peerId, addresses: [`/ip4/127.0.0.1/tcp/6445/p2p/${peerId}`] };
    const res = await app.request(p2pInfoPath);
    assert.equal(res.status, 200);
    assert.deepEqual(decodeP2pInfo(await res.text()), p2p);
  });
});
