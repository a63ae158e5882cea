import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Libp2p } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import { secureChannel, streamMuxer } from './connection-stack.ts';
import { protocolMergeTtlMs, rememberProtocolMerges } from './protocol-merges.ts';

type Id = { toString(): string };

/** A peer store's write methods, counting what reaches them; `gate` holds writes back. */
function fakeStore() {
  const writes: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  const write =
    (name: string) =>
    async (id: Id, data?: unknown): Promise<unknown> => {
      await gate;
      writes.push(`${name} ${String(id)} ${JSON.stringify(data ?? null)}`);
      return { id: String(id), call: writes.length };
    };
  const store = {
    merge: write('merge'),
    patch: write('patch'),
    save: write('save'),
    delete: write('delete'),
  };
  const hold = () => {
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    return () => {
      open();
      gate = Promise.resolve();
    };
  };
  return { store, writes, hold };
}

function clockAt(start = 0) {
  let t = start;
  return { monotonic: () => t, advance: (ms: number) => (t += ms) };
}

const p1 = { toString: () => 'peer-1' };
const p2 = { toString: () => 'peer-2' };
const mesh = { protocols: ['/wisp/v1/mesh/tcp'] };

describe('rememberProtocolMerges', () => {
  it('answers a repeated protocol merge from memory, with what the real one returned', async () => {
    const { store, writes } = fakeStore();
    rememberProtocolMerges(store, clockAt());
    const first = await store.merge(p1, mesh);
    for (let i = 0; i < 10; i++) assert.deepEqual(await store.merge(p1, mesh), first);
    await store.merge(p2, mesh);
    await store.merge(p1, { protocols: ['/other'] });
    assert.equal(writes.length, 3, writes.join('\n'));
  });

  it('merges for real again after the time to live', async () => {
    const { store, writes } = fakeStore();
    const clock = clockAt();
    rememberProtocolMerges(store, clock);
    await store.merge(p1, mesh);
    clock.advance(protocolMergeTtlMs - 1);
    await store.merge(p1, mesh);
    assert.equal(writes.length, 1);
    clock.advance(1);
    await store.merge(p1, mesh);
    assert.equal(writes.length, 2);
  });

  it('forgets a peer on any other write to it: patch, save, delete, a wider merge', async () => {
    for (const other of [
      (s: ReturnType<typeof fakeStore>['store']) => s.patch(p1, { protocols: [] }),
      (s: ReturnType<typeof fakeStore>['store']) => s.save(p1, {}),
      (s: ReturnType<typeof fakeStore>['store']) => s.delete(p1),
      (s: ReturnType<typeof fakeStore>['store']) => s.merge(p1, { multiaddrs: [] }),
      (s: ReturnType<typeof fakeStore>['store']) => s.merge(p1, { protocols: ['/a', '/b'] }),
    ]) {
      const { store, writes } = fakeStore();
      rememberProtocolMerges(store, clockAt());
      await store.merge(p1, mesh);
      await store.merge(p2, mesh);
      await other(store);
      await store.merge(p1, mesh);
      await store.merge(p2, mesh);
      assert.equal(writes.length, 4, writes.join('\n'));
      assert.match(writes[3], /^merge peer-1 .*mesh/);
    }
  });

  it('does not remember a merge that was under way while the peer was deleted', async () => {
    const { store, writes, hold } = fakeStore();
    rememberProtocolMerges(store, clockAt());
    const release = hold();
    const merging = store.merge(p1, mesh);
    const deleting = store.delete(p1);
    release();
    await Promise.all([merging, deleting]);
    await store.merge(p1, mesh);
    assert.deepEqual(
      writes.map((w) => w.split(' ')[0]),
      ['merge', 'delete', 'merge'],
    );
  });

  it('refuses a store without the methods it patches', () => {
    assert.throws(() => rememberProtocolMerges({ merge() {} }), /no longer has merge/);
  });

  it("keeps libp2p's peer store exact: a deleted peer gets its protocol back", async () => {
    const node = (): Promise<Libp2p> =>
      generateKeyPair('Ed25519').then((privateKey) =>
        createLibp2p({
          privateKey,
          addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
          transports: [tcp()],
          connectionEncrypters: [secureChannel()],
          streamMuxers: [streamMuxer()],
        }),
      );
    const [a, b] = await Promise.all([node(), node()]);
    try {
      const store = a.peerStore as unknown as { merge(...args: unknown[]): Promise<unknown> };
      const merge = store.merge.bind(store);
      let merges = 0;
      store.merge = (...args) => {
        merges++;
        return merge(...args);
      };
      rememberProtocolMerges(a.peerStore);
      const protocol = '/wisp/test/merge/1';
      await b.handle(protocol, (stream) => void stream.close());
      await a.dial(b.getMultiaddrs()[0]);
      const open = async () => (await a.dialProtocol(b.peerId, protocol)).close();
      await open();
      assert.ok((await a.peerStore.get(b.peerId)).protocols.includes(protocol));
      const before = merges;
      for (let i = 0; i < 5; i++) await open();
      assert.equal(merges, before, 'repeated opens merge nothing');
      await a.peerStore.delete(b.peerId);
      await open();
      assert.ok((await a.peerStore.get(b.peerId)).protocols.includes(protocol));
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
