import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findResource } from '@wisp/api';
import { joinFixture, joinRequest, type JoinFixture } from './test/join-fixture.ts';
import { x25519Annotation } from './register-node.ts';

const NODES = findResource('', 'nodes')!;

describe('registerNode', () => {
  let f: JoinFixture;
  before(async () => (f = await joinFixture()));
  after(() => f.close());

  it('records the certified X25519 key on the Node, and the new key after a re-join', async () => {
    const token = (await f.nodes.tokens.create({})).token;
    const first = joinRequest('edge-x');
    await f.nodes.joins.join(token, first);
    const node = await f.registry.get(NODES, undefined, 'edge-x');
    assert.equal(node.metadata.annotations?.[x25519Annotation], first.x25519PublicKey);
    const again = joinRequest('edge-x');
    await f.nodes.joins.join(token, again);
    const updated = await f.registry.get(NODES, undefined, 'edge-x');
    assert.equal(updated.metadata.annotations?.[x25519Annotation], again.x25519PublicKey);
  });
});
