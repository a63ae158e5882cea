import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wireLimits } from '@wisp/api/wire/messages.ts';
import { meshPeerAddresses } from './mesh-peer-addresses.ts';

const peerId = '12D3KooWPeer';

describe('meshPeerAddresses', () => {
  it('has none to give without an address book: the peer is reached through relays', () => {
    assert.deepEqual(meshPeerAddresses({}, peerId), []);
  });

  it('passes on what the book knows, in its order', () => {
    const known = [`/ip4/10.0.0.7/tcp/1/p2p/${peerId}`, `/ip4/127.0.0.1/tcp/1/p2p/${peerId}`];
    assert.deepEqual(meshPeerAddresses({ peerAddresses: () => known }, peerId), known);
  });

  it('keeps within the wire limits, dropping an address too long to decode', () => {
    const long = `/dns/${'a'.repeat(wireLimits.meshPeerAddressBytesMax)}/tcp/1/p2p/${peerId}`;
    const many = Array.from({ length: 20 }, (_, i) => `/ip4/10.0.0.${i + 1}/tcp/1/p2p/${peerId}`);
    const got = meshPeerAddresses({ peerAddresses: () => [long, ...many] }, peerId);
    assert.equal(got.length, wireLimits.meshPeerAddressesMax);
    assert.equal(got[0], many[0]);
  });
});
