import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateWireMessage, wireApiVersion, wireLimits, type MeshPeer } from './messages.ts';

const peerId = '12D3KooWExamplePeer';

function desiredWith(peer: MeshPeer) {
  return {
    apiVersion: wireApiVersion,
    kind: 'NodeDesired',
    nodeName: 'edge-1',
    revision: 1,
    pods: [],
    configMaps: [],
    sealedSecrets: [],
    services: [],
    endpoints: [],
    meshPeers: [peer],
  };
}

const address = (i: number) => `/ip4/10.0.${Math.floor(i / 250)}.${i % 250}/tcp/4001/p2p/${peerId}`;

function errorsFor(addresses: string[]): string[] {
  const doc = desiredWith({ nodeName: 'edge-2', peerId, addresses });
  return validateWireMessage(doc).map((e) => e.field);
}

describe('NodeDesired meshPeers addresses', () => {
  it(`accepts ${wireLimits.meshPeerAddressesMax} addresses and refuses one more`, () => {
    const max = wireLimits.meshPeerAddressesMax;
    assert.deepEqual(errorsFor(Array.from({ length: max }, (_, i) => address(i))), []);
    assert.deepEqual(errorsFor(Array.from({ length: max + 1 }, (_, i) => address(i))), [
      'meshPeers[0].addresses',
    ]);
  });

  it(`accepts an address of ${wireLimits.meshPeerAddressBytesMax} bytes and refuses a longer one`, () => {
    const prefix = '/dns/';
    const suffix = `/tcp/4001/p2p/${peerId}`;
    const fill = (bytes: number) =>
      prefix + 'a'.repeat(bytes - prefix.length - suffix.length) + suffix;
    const max = wireLimits.meshPeerAddressBytesMax;
    assert.deepEqual(errorsFor([fill(max)]), []);
    assert.deepEqual(errorsFor([address(1), fill(max + 1)]), ['meshPeers[0].addresses[1]']);
  });

  it('accepts a peer with no addresses (reachable through a relay only)', () => {
    assert.deepEqual(errorsFor([]), []);
  });
});
