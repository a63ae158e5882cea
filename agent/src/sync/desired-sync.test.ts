import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { sealDesiredBatch } from '@wisp/api/wire/desired-batch.ts';
import { toBase64 } from '@wisp/api/wire/envelope.ts';
import { catchUpProtocol, encodeCatchUpRequest } from '@wisp/api/wire/protocols.ts';
import {
  sealWireMessage,
  siteTopic,
  wireApiVersion,
  type NodeDesired,
  type SealedSecret,
} from '@wisp/api/wire/messages.ts';
import { seededRandom } from '@wisp/core';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { MemoryNetwork } from '@wisp/testkit/memory-gossip.ts';
import { createDesiredSync, type DesiredState } from './desired-sync.ts';

const random = seededRandom(7);
const cpKey = nacl.sign.keyPair.fromSeed(random.bytes(32));
const rogueKey = nacl.sign.keyPair.fromSeed(random.bytes(32));
const boxKey = nacl.box.keyPair.fromSecretKey(random.bytes(32));
const keyId = 'cp-1';
const trusted = (id: string) => (id === keyId ? cpKey.publicKey : undefined);
const site = 'store-1';
const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function desired(nodeName: string, revision: number, extra: Partial<NodeDesired> = {}) {
  const doc: NodeDesired = {
    apiVersion: wireApiVersion,
    kind: 'NodeDesired',
    nodeName,
    revision,
    pods: [],
    configMaps: [],
    sealedSecrets: [],
    services: [],
    endpoints: [],
    ...extra,
  };
  return doc;
}

const signed = (doc: NodeDesired, secretKey = cpKey.secretKey) =>
  sealWireMessage(doc, { keyId, secretKey });

async function setup(nodeName = 'n1', dataDir?: string) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'wisp-sync-')));
  dirs.push(dir);
  const clock = new FakeClock();
  const net = new MemoryNetwork({}, { clock, random: seededRandom(3) });
  const topics = { allowedTopics: [siteTopic(site)] };
  const gossip = net.node({ ...topics, peerId: nodeName });
  const peer = net.node({ ...topics, peerId: 'peer' });
  gossip.start();
  peer.start();
  const applied: DesiredState[] = [];
  const sync = createDesiredSync(
    { nodeName, site, dataDir: dir },
    { gossip, trusted, x25519SecretKey: boxKey.secretKey, onDesired: (s) => applied.push(s) },
  );
  const link = async () => {
    net.link(gossip, peer);
    for (let i = 0; i < 100 && !gossip.peers().includes('peer'); i++) await clock.advanceAsync(10);
  };
  return { dir, clock, net, gossip, peer, sync, applied, link };
}

describe('DesiredSync', () => {
  it('applies a newer document and ignores a replay or a rollback', async () => {
    const { sync, applied } = await setup();
    await sync.start();
    assert.equal(sync.ingest(signed(desired('n1', 5))), 'applied');
    assert.equal(sync.ingest(signed(desired('n1', 5))), 'stale');
    assert.equal(sync.ingest(signed(desired('n1', 3))), 'stale');
    assert.deepEqual(
      applied.map((s) => s.doc.revision),
      [5],
    );
    assert.equal(sync.revision, 5);
  });

  it('rejects a bad signature and gossip penalises the sender', async () => {
    const { sync, peer, gossip, link, clock, applied } = await setup();
    await sync.start();
    assert.equal(sync.ingest(signed(desired('n1', 9), rogueKey.secretKey)), 'rejected');
    await link();
    peer.subscribe(siteTopic(site));
    await clock.advanceAsync(50);
    await peer.publish(siteTopic(site), signed(desired('n1', 9), rogueKey.secretKey));
    await clock.advanceAsync(50);
    assert.equal(applied.length, 0);
    assert.ok((gossip.peerScore('peer') ?? 0) < 0, 'sender penalised');
  });

  it('reloads the kept document on restart without any peer', async () => {
    const first = await setup();
    await first.sync.start();
    first.sync.ingest(signed(desired('n1', 4)));
    await first.sync.stop();
    const second = await setup('n1', first.dir);
    await second.sync.start();
    assert.equal(second.sync.revision, 4);
    assert.equal(second.applied.length, 1);
  });

  it('caches a site peer document and answers its catch-up only when newer', async () => {
    const { sync } = await setup();
    await sync.start();
    assert.equal(sync.ingest(signed(desired('n2', 6))), 'cached');
    const newer = sync.answerCatchup(encodeCatchUpRequest({ nodeName: 'n2', haveRevision: 2 }));
    assert.ok(newer.byteLength > 0);
    const none = sync.answerCatchup(encodeCatchUpRequest({ nodeName: 'n2', haveRevision: 6 }));
    assert.equal(none.byteLength, 0);
  });

  it('catches up from a connected peer on start', async () => {
    const { sync, peer, link, clock } = await setup();
    peer.handle(catchUpProtocol, () => signed(desired('n1', 12)));
    await link();
    await sync.start();
    for (let i = 0; i < 50 && sync.revision === 0; i++) await clock.advanceAsync(10);
    assert.equal(sync.revision, 12);
  });

  it('opens secrets sealed to the node key', async () => {
    const { sync, applied } = await setup();
    await sync.start();
    const eph = nacl.box.keyPair.fromSecretKey(random.bytes(32));
    const nonce = random.bytes(24);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'd' } };
    const plain = new TextEncoder().encode(JSON.stringify(secret));
    const sealed: SealedSecret = {
      namespace: 'd',
      name: 's',
      ephemeralPublicKey: toBase64(eph.publicKey),
      nonce: toBase64(nonce),
      box: toBase64(nacl.box(plain, nonce, boxKey.publicKey, eph.secretKey)),
    };
    sync.ingest(signed(desired('n1', 2, { sealedSecrets: [sealed] })));
    assert.equal(applied[0].secrets[0].metadata?.name, 's');
  });

  describe('site batches', () => {
    const batch = (docs: NodeDesired[], secretKey = cpKey.secretKey) =>
      sealDesiredBatch(
        site,
        docs.map((d) => ({ nodeName: d.nodeName, revision: d.revision, bytes: signed(d) })),
        { keyId, secretKey },
      );

    async function publishFromPeer(t: Awaited<ReturnType<typeof setup>>, bytes: Uint8Array) {
      await t.link();
      t.peer.subscribe(siteTopic(site));
      await t.clock.advanceAsync(50);
      await t.peer.publish(siteTopic(site), bytes);
      await t.clock.advanceAsync(50);
    }

    it('applies its own entry and holds the others to answer their catch-up', async () => {
      const t = await setup();
      await t.sync.start();
      await publishFromPeer(t, batch([desired('n2', 7), desired('n1', 7), desired('n3', 7)]));
      assert.deepEqual(
        t.applied.map((s) => s.doc.revision),
        [7],
      );
      const answer = t.sync.answerCatchup(
        encodeCatchUpRequest({ nodeName: 'n3', haveRevision: 1 }),
      );
      // What a site peer gets is the node's own signed document, which it verifies itself.
      const other = await setup('n3');
      await other.sync.start();
      assert.equal(other.sync.ingest(answer), 'applied');
    });

    it('rejects a batch not signed by the control plane, and the sender is penalised', async () => {
      const t = await setup();
      await t.sync.start();
      await publishFromPeer(t, batch([desired('n1', 9)], rogueKey.secretKey));
      assert.equal(t.applied.length, 0);
      assert.ok((t.gossip.peerScore('peer') ?? 0) < 0, 'sender penalised');
    });

    it('ignores entries no newer than what it holds', async () => {
      const t = await setup();
      await t.sync.start();
      t.sync.ingest(signed(desired('n1', 5)));
      await publishFromPeer(t, batch([desired('n1', 4)]));
      assert.deepEqual(
        t.applied.map((s) => s.doc.revision),
        [5],
      );
    });
  });
});
