import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { MeshPeer } from '@wisp/api/wire/messages.ts';
import { fixture, webService, podObject, type Agent, type Fixture } from './test/fixture.ts';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
});
afterEach(() => f.close());

const latest = (nodeName: string) => f.openDesired(f.distributor.latest(nodeName)!.bytes);
const revision = (nodeName: string) => f.distributor.latest(nodeName)!.revision;

/** edge-a calls the `web` Service, whose only endpoint is a pod on edge-b. */
async function seed(): Promise<void> {
  await f.seedNodes(['default']);
  await f.create('pods', podObject('web-b', 'edge-b'));
  await f.create('services', webService());
  await f.create('endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: [
      {
        addresses: [{ ip: '10.42.2.2', nodeName: 'edge-b' }],
        ports: [{ port: 80, protocol: 'TCP' }],
      },
    ],
  } as never);
}

function peerOf(agent: Agent, addresses: string[]): MeshPeer {
  const peerId = agent.gossip.peerId;
  return {
    nodeName: agent.nodeName,
    peerId,
    addresses: addresses.map((a) => `${a}/p2p/${peerId}`),
  };
}

describe('distributor mesh peers', () => {
  it('tells a node where its mesh peers listen: dialable addresses, loopback last', async () => {
    await seed();
    await f.agent('edge-a', 1);
    const b = await f.agent('edge-b', 2, {
      addresses: [
        '/ip4/0.0.0.0/tcp/4001',
        '/ip4/127.0.0.1/tcp/4001',
        '/ip4/192.168.1.20/tcp/4001',
        '/p2p-circuit',
      ],
    });
    await f.startDistributor();
    assert.deepEqual(latest('edge-a').meshPeers, [
      peerOf(b, ['/ip4/192.168.1.20/tcp/4001', '/ip4/127.0.0.1/tcp/4001']),
    ]);
    assert.deepEqual(latest('edge-b').meshPeers, [], 'a node is not its own mesh peer');
  });

  it('re-publishes the documents naming a peer when its addresses become known', async () => {
    await seed();
    const a = await f.agent('edge-a', 1);
    const b = await f.agent('edge-b', 2);
    await f.startDistributor();
    assert.deepEqual(latest('edge-a').meshPeers, [peerOf(b, [])], 'nothing known yet');
    const [ra, rb] = [revision('edge-a'), revision('edge-b')];
    const sent = a.received.length;
    b.gossip.setAddresses(['/ip4/192.168.1.20/tcp/4001']);
    await f.until(() => revision('edge-a') > ra, 'a new document for edge-a');
    await f.settle();
    assert.deepEqual(latest('edge-a').meshPeers, [peerOf(b, ['/ip4/192.168.1.20/tcp/4001'])]);
    assert.ok(
      a.received.slice(sent).some((d) => f.openDesired(d).revision === revision('edge-a')),
      'edge-a received it',
    );
    assert.equal(revision('edge-b'), rb, 'the peer’s own document did not change');

    const r2 = revision('edge-a');
    b.gossip.setAddresses(['/ip4/192.168.1.21/tcp/4001']);
    await f.until(() => revision('edge-a') > r2, 'a document for the move');
    await f.settle();
    assert.deepEqual(latest('edge-a').meshPeers, [peerOf(b, ['/ip4/192.168.1.21/tcp/4001'])]);
  });

  it('names the addresses of a peer that connects after the documents were first built', async () => {
    await seed();
    await f.agent('edge-a', 1);
    await f.startDistributor();
    assert.deepEqual(latest('edge-a').meshPeers ?? [], [], 'edge-b unknown yet');
    const b = await f.agent('edge-b', 2, { addresses: ['/ip4/192.168.1.20/tcp/4001'] });
    await f.until(() => (latest('edge-a').meshPeers ?? []).length > 0, 'edge-b named');
    await f.settle();
    assert.deepEqual(latest('edge-a').meshPeers, [peerOf(b, ['/ip4/192.168.1.20/tcp/4001'])]);
  });

  it('leaves documents alone when a peer that hosts no endpoint announces addresses', async () => {
    await seed();
    const a = await f.agent('edge-a', 1);
    await f.agent('edge-b', 2);
    await f.startDistributor();
    const [ra, rb] = [revision('edge-a'), revision('edge-b')];
    a.gossip.setAddresses(['/ip4/192.168.1.10/tcp/4001']);
    await f.clock.advanceAsync(100);
    await f.settle();
    assert.deepEqual([revision('edge-a'), revision('edge-b')], [ra, rb]);
  });
});
