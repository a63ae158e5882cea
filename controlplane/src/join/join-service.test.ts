import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findResource } from '@wisp/api';
import { parseNodeIdentity, toBase64Url } from '@wisp/api/wire/identity.ts';
import { formatJoinToken, parseJoinToken } from '@wisp/api/wire/join.ts';
import { isWispError } from '@wisp/core';
import { JoinForbiddenError, JoinTokenRefusedError } from './errors.ts';
import { joinFixture, joinRequest, type JoinFixture } from './test/join-fixture.ts';
import { JoinRequestInvalidError } from './wire-errors.ts';

const NODES = findResource('', 'nodes')!;

describe('createJoinService', () => {
  let f: JoinFixture;
  before(async () => (f = await joinFixture()));
  after(() => f.close());

  const token = async (request = {}) => (await f.nodes.tokens.create(request)).token;

  it('certifies the requested key with the node facts and registers the Node', async () => {
    const req = joinRequest('edge-1', { labels: { 'kubernetes.io/arch': 'arm64' } });
    const answer = await f.nodes.joins.join(await token({ site: 'store-9' }), req);
    const id = parseNodeIdentity(answer.certificatePem);
    assert.equal(toBase64Url(id.ed25519PublicKey), req.ed25519PublicKey);
    assert.equal(toBase64Url(id.x25519PublicKey), req.x25519PublicKey);
    assert.equal(id.site, 'store-9');
    assert.equal(answer.podCidr, '10.42.0.0/24');
    assert.equal(answer.signingKeyId, f.nodes.signingKey.keyId);
    const node = await f.registry.get(NODES, undefined, 'edge-1');
    assert.deepEqual(node.metadata.labels, {
      'kubernetes.io/arch': 'arm64',
      'kubernetes.io/hostname': 'edge-1',
      'topology.kubernetes.io/zone': 'store-9',
    });
    assert.deepEqual((node as { spec?: object }).spec, {
      podCIDR: '10.42.0.0/24',
      podCIDRs: ['10.42.0.0/24'],
    });
  });

  it('refuses a token pinned to another CA, an unknown token and no token', async () => {
    const { credential } = parseJoinToken(await token());
    const reasons: string[] = [];
    for (const t of [
      formatJoinToken('00'.repeat(32), credential),
      `${await token()}x`,
      undefined,
    ]) {
      await assert.rejects(f.nodes.joins.join(t, joinRequest('edge-2')), (e: unknown) => {
        assert.ok(e instanceof JoinTokenRefusedError);
        reasons.push(e.reason);
        return true;
      });
    }
    assert.deepEqual(reasons, ['wrong-cluster', 'unknown', 'malformed']);
  });

  it('answers a bad body with a 422-shaped error naming the field', async () => {
    await assert.rejects(
      f.nodes.joins.join(await token(), { ...joinRequest('edge-3'), nodeName: 'Bad_Name' }),
      (e: unknown) => e instanceof JoinRequestInvalidError && isWispError(e, 'ERR_INVALID'),
    );
  });

  it('refuses a revoked node name', async () => {
    await f.nodes.revocations.revoke('edge-4');
    await assert.rejects(
      f.nodes.joins.join(await token(), joinRequest('edge-4')),
      JoinForbiddenError,
    );
  });

  it('renews for the same key and facts and counts attempts and grants', async () => {
    const before = f.nodes.joins.stats();
    const answer = await f.nodes.joins.join(await token(), joinRequest('edge-5', { site: 'x' }));
    const id = parseNodeIdentity(answer.certificatePem);
    f.clock.advance(60_000);
    const renewed = parseNodeIdentity((await f.nodes.joins.renew(id)).certificatePem);
    assert.equal(renewed.peerId, id.peerId);
    assert.equal(renewed.podCidr, id.podCidr);
    assert.equal(renewed.site, 'x');
    assert.equal(renewed.notBeforeMs - id.notBeforeMs, 60_000);
    const after = f.nodes.joins.stats();
    assert.equal(after.joinAttempts - before.joinAttempts, 1);
    assert.equal(after.renewals - before.renewals, 1);
  });
});
