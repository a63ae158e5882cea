import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dialableAddresses, PeerAddressTable, peerAddressesMax } from './gossip-peer-addresses.ts';

const id = '12D3KooWPeer';

describe('dialableAddresses', () => {
  it('appends the peer id to every address it keeps', () => {
    assert.deepEqual(dialableAddresses(['/ip4/10.0.0.7/tcp/4001'], id), [
      `/ip4/10.0.0.7/tcp/4001/p2p/${id}`,
    ]);
  });

  it('puts loopback addresses after the others, keeping the order within each', () => {
    const got = dialableAddresses(
      [
        '/ip4/127.0.0.1/tcp/1',
        '/ip4/192.168.1.5/tcp/2',
        '/ip6/::1/tcp/3',
        '/dns4/localhost/tcp/4',
        '/ip6/2001:db8::5/tcp/5',
        '/dns/edge-1.example/tcp/6',
      ],
      id,
    );
    assert.deepEqual(
      got.map((a) => a.replace(`/p2p/${id}`, '')),
      [
        '/ip4/192.168.1.5/tcp/2',
        '/ip6/2001:db8::5/tcp/5',
        '/dns/edge-1.example/tcp/6',
        '/ip4/127.0.0.1/tcp/1',
        '/ip6/::1/tcp/3',
        '/dns4/localhost/tcp/4',
      ],
    );
  });

  it('never keeps an unspecified host, a link-local IPv6 host or port 0', () => {
    const got = dialableAddresses(
      [
        '/ip4/0.0.0.0/tcp/4001',
        '/ip6/::/tcp/4001',
        '/ip6/0:0:0:0:0:0:0:0/tcp/4001',
        '/ip6/::ffff:0.0.0.0/tcp/4001',
        '/ip6/fe80::1/tcp/4001',
        '/ip4/10.0.0.7/tcp/0',
      ],
      id,
    );
    assert.deepEqual(got, []);
  });

  it('keeps only plain TCP: no relay circuits, websockets, QUIC or malformed hosts', () => {
    const got = dialableAddresses(
      [
        `/ip4/10.0.0.1/tcp/4001/p2p/12D3KooWRelay/p2p-circuit/p2p/${id}`,
        '/ip4/10.0.0.1/tcp/4001/p2p/12D3KooWRelay/p2p-circuit',
        '/p2p-circuit',
        '/ip4/10.0.0.2/tcp/4001/ws',
        '/ip4/10.0.0.3/udp/4001/quic-v1',
        '/ip4/10.0.0.999/tcp/4001',
        '/ip6/10.0.0.4/tcp/4001',
        '/ip4/10.0.0.5/tcp/99999',
        'ip4/10.0.0.6/tcp/4001',
      ],
      id,
    );
    assert.deepEqual(got, []);
  });

  it('drops an address naming another peer and keeps one naming this peer', () => {
    const got = dialableAddresses(
      ['/ip4/10.0.0.7/tcp/1/p2p/12D3KooWOther', `/ip4/10.0.0.7/tcp/2/p2p/${id}`],
      id,
    );
    assert.deepEqual(got, [`/ip4/10.0.0.7/tcp/2/p2p/${id}`]);
  });

  it('lists an address once however often it was announced', () => {
    const got = dialableAddresses(
      ['/ip4/10.0.0.7/tcp/1', `/ip4/10.0.0.7/tcp/1/p2p/${id}`, '/ip4/10.0.0.7/tcp/01'],
      id,
    );
    assert.deepEqual(got, [`/ip4/10.0.0.7/tcp/1/p2p/${id}`]);
  });

  it(`keeps at most ${peerAddressesMax} addresses, loopback ones the first to go`, () => {
    const many = Array.from({ length: peerAddressesMax }, (_, i) => `/ip4/10.0.0.${i + 1}/tcp/1`);
    const got = dialableAddresses(['/ip4/127.0.0.1/tcp/1', ...many, '/ip4/10.0.1.1/tcp/1'], id);
    assert.equal(got.length, peerAddressesMax);
    assert.ok(got.every((a) => !a.startsWith('/ip4/127.')));
    assert.equal(got.at(-1), `/ip4/10.0.0.${peerAddressesMax}/tcp/1/p2p/${id}`);
    assert.deepEqual(dialableAddresses(many, id, 2).length, 2);
  });
});

describe('PeerAddressTable', () => {
  it('reports a change only when the dialable addresses differ', () => {
    const table = new PeerAddressTable();
    assert.deepEqual(table.get(id), []);
    assert.equal(table.learn(id, ['/p2p-circuit']), false, 'nothing dialable: nothing new');
    assert.equal(table.learn(id, ['/ip4/10.0.0.7/tcp/1']), true);
    assert.equal(table.learn(id, ['/ip4/10.0.0.7/tcp/1', '/ip4/0.0.0.0/tcp/1']), false);
    assert.equal(table.learn(id, ['/ip4/10.0.0.8/tcp/1']), true);
    assert.deepEqual(table.get(id), [`/ip4/10.0.0.8/tcp/1/p2p/${id}`]);
  });

  it('forgets the peer it heard from longest ago beyond its bound', () => {
    const table = new PeerAddressTable(2);
    for (const p of ['a', 'b', 'c']) table.learn(p, ['/ip4/10.0.0.7/tcp/1']);
    assert.deepEqual(table.get('a'), []);
    assert.equal(table.get('c').length, 1);
  });

  it('hands out copies its callers cannot change', () => {
    const table = new PeerAddressTable();
    table.learn(id, ['/ip4/10.0.0.7/tcp/1']);
    table.get(id).pop();
    assert.equal(table.get(id).length, 1);
  });
});
