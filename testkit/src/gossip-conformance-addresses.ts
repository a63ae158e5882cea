/**
 * Conformance: `peerAddresses` — where a connected peer said it listens, in a form another
 * machine can dial — and the event that tells when it became known.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { topicA, type GossipTestNetwork } from './gossip-conformance-helpers.ts';

export function addressCases(net: () => GossipTestNetwork): void {
  it('learns where a connected peer listens, each address dialable and naming that peer', async () => {
    const n = net();
    const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA] })));
    const heard: string[] = [];
    a.onPeerAddresses((peer) => heard.push(peer));
    await n.link(a, b);
    await n.eventually(
      () => a.peerAddresses(b.peerId).length > 0 && b.peerAddresses(a.peerId).length > 0,
      5000,
      'addresses learnt both ways',
    );
    for (const [node, peer] of [
      [a, b],
      [b, a],
    ] as const) {
      const addresses = node.peerAddresses(peer.peerId);
      assert.equal(new Set(addresses).size, addresses.length, 'no duplicates');
      for (const address of addresses) {
        assert.ok(address.endsWith(`/p2p/${peer.peerId}`), `${address} names its peer`);
        assert.ok(/^\/(ip4|ip6|dns|dns4|dns6)\/[^/]+\/tcp\/\d+\/p2p\//.test(address), address);
        assert.ok(!/\/(0\.0\.0\.0|::)\//.test(address), `${address}: no unspecified host`);
      }
    }
    assert.ok(heard.includes(b.peerId), 'the change was announced');
  });

  it('knows no addresses for a peer it never connected to', async () => {
    const n = net();
    const [a, b] = await Promise.all([0, 1].map(() => n.node({ allowedTopics: [topicA] })));
    await n.pass(n.quietMs);
    assert.deepEqual(a.peerAddresses(b.peerId), []);
    assert.deepEqual(a.peerAddresses('not-a-peer'), []);
  });
}
