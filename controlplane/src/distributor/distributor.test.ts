import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { siteTopic } from '@wisp/api/wire/messages.ts';
import { decodeEnvelope, openEnvelope } from '@wisp/api/wire/envelope.ts';
import { findResource } from '@wisp/api';
import { openSealedSecret } from './secret-seal.ts';
import {
  catchUpProtocol,
  decodeRevocation,
  encodeCatchUpRequest,
} from '@wisp/api/wire/protocols.ts';
import { fixture, webService, podObject, site, type Fixture } from './test/fixture.ts';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
});
afterEach(() => f.close());

async function seed(): Promise<void> {
  await f.seedNodes();
  await f.create('configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'app-config', namespace: 'default' },
    data: { mode: 'edge' },
  } as never);
  await f.create('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'app-secret', namespace: 'default' },
    data: { token: Buffer.from('hunter2').toString('base64') },
  } as never);
  await f.create('services', webService());
  await f.create(
    'pods',
    podObject('web-a', 'edge-a', { secret: 'app-secret', configMap: 'app-config' }),
  );
  await f.create('pods', podObject('web-b', 'edge-b'));
}

describe('distributor documents', () => {
  it('publishes a signed NodeDesired with its pods, configs, secrets and services', async () => {
    await seed();
    const a = await f.agent('edge-a', 1);
    await f.startDistributor();
    await f.until(() => a.received.length > 0, 'document published');
    const docs = a.received.map(f.openDesired);
    const doc = docs.find((d) => d.nodeName === 'edge-a')!;
    assert.deepEqual(
      doc.pods.map((p) => p.metadata?.name),
      ['web-a'],
    );
    assert.equal(doc.pods[0].spec?.nodeName, 'edge-a');
    assert.equal(doc.pods[0].metadata?.resourceVersion, undefined);
    assert.deepEqual(doc.configMaps[0].data, { mode: 'edge' });
    assert.deepEqual(
      doc.sealedSecrets.map((s) => s.name),
      ['app-secret'],
    );
    assert.ok(doc.services.some((s) => s.metadata?.name === 'web'));
    assert.ok(doc.revision > 0);
    assert.equal(docs.find((d) => d.nodeName === 'edge-b')?.pods[0].metadata?.name, 'web-b');
  });

  it('refuses a document whose signature does not verify under the distributor key', async () => {
    await seed();
    const a = await f.agent('edge-a', 1);
    await f.startDistributor();
    await f.until(() => a.received.length > 0, 'document published');
    const env = decodeEnvelope(a.received[0]);
    const forged = { ...env, payload: Buffer.from('{"kind":"NodeDesired"}').toString('base64') };
    assert.throws(() => openEnvelope(forged, f.trusted), { name: 'SignatureError' });
    assert.throws(() => openEnvelope(env, () => new Uint8Array(32).fill(9)), {
      name: 'SignatureError',
    });
  });

  it('seals secrets so the node opens them and a relaying peer cannot', async () => {
    await seed();
    const a = await f.agent('edge-a', 1);
    const relay = await f.agent('edge-b', 2);
    await f.startDistributor();
    await f.until(
      () => relay.received.map(f.openDesired).some((d) => d.nodeName === 'edge-a'),
      'relay',
    );
    const doc = relay.received.map(f.openDesired).find((d) => d.nodeName === 'edge-a')!;
    const sealed = doc.sealedSecrets[0];
    assert.ok(!sealed.box.includes(Buffer.from('hunter2').toString('base64')));
    assert.throws(() => openSealedSecret(sealed, relay.boxSecretKey), { name: 'SecretSealError' });
    const secret = openSealedSecret(sealed, a.boxSecretKey);
    assert.equal(Buffer.from(secret.data!.token, 'base64').toString(), 'hunter2');
  });

  it('holds a node’s document back until a key to seal its secrets to is known', async () => {
    await seed();
    await f.distributor.start();
    await f.until(() => f.distributor.latest('edge-b') !== undefined, 'edge-b published');
    assert.equal(f.distributor.latest('edge-a'), undefined);
    await f.agent('edge-a', 1);
    await f.until(() => f.distributor.latest('edge-a') !== undefined, 'edge-a published', 1000);
  });
});

describe('distributor revisions', () => {
  it('raises the revision on a change and keeps it when nothing it runs changed', async () => {
    await seed();
    await f.agent('edge-a', 1);
    await f.startDistributor();
    const r1 = f.distributor.latest('edge-a')!.revision;
    const pods = findResource('', 'pods')!;
    await f.registry.modify(
      pods,
      'default',
      'web-a',
      (p) => ({
        ...p!,
        status: { phase: 'Running' },
      }),
      { subresource: 'status' },
    );
    await f.settle();
    assert.equal(f.distributor.latest('edge-a')!.revision, r1, 'status alone is not a change');
    await f.create('pods', podObject('web-a2', 'edge-a'));
    await f.settle();
    const r2 = f.distributor.latest('edge-a')!.revision;
    assert.ok(r2 > r1, `${r2} > ${r1}`);
    assert.deepEqual(
      f.openDesired(f.distributor.latest('edge-a')!.bytes).pods.map((p) => p.metadata?.name),
      ['web-a', 'web-a2'],
    );
  });

  it('never goes backwards across a restart of the distributor', async () => {
    await seed();
    await f.agent('edge-a', 1);
    await f.startDistributor();
    const r1 = f.distributor.latest('edge-b')!.revision;
    await f.distributor.stop();
    await f.startDistributor();
    assert.equal(f.distributor.latest('edge-b')!.revision, r1, 'same content, same revision');
    const pods = findResource('', 'pods')!;
    await f.registry.delete(pods, 'default', 'web-b', { gracePeriodSeconds: 0 });
    await f.settle();
    await f.distributor.stop();
    await f.startDistributor();
    const r3 = f.distributor.latest('edge-b')!.revision;
    assert.ok(r3 > r1, `${r3} > ${r1}`);
    assert.deepEqual(f.openDesired(f.distributor.latest('edge-b')!.bytes).pods, []);
  });
});

describe('catch-up protocol', () => {
  it('answers with the latest document only when it is newer than the asker’s', async () => {
    await seed();
    const a = await f.agent('edge-a', 1);
    await f.startDistributor();
    const held = f.distributor.latest('edge-a')!.revision;
    const ask = (haveRevision: number) =>
      a.gossip.request(
        f.cp.peerId,
        catchUpProtocol,
        encodeCatchUpRequest({ nodeName: 'edge-a', haveRevision }),
      );
    const fresh = ask(0);
    await f.clock.advanceAsync(20);
    assert.equal(f.openDesired(await fresh).revision, held);
    const same = ask(held);
    await f.clock.advanceAsync(20);
    assert.equal((await same).byteLength, 0);
  });
});

describe('revocations', () => {
  it('broadcasts a signed revocation on the cluster topic', async () => {
    await seed();
    const a = await f.agent('edge-a', 1);
    const got: Uint8Array[] = [];
    a.gossip.subscribe('/wisp/cluster/1');
    a.gossip.onMessage('/wisp/cluster/1', (b) => got.push(b));
    await f.startDistributor();
    f.revoke('edge-b');
    await f.until(() => got.length > 0, 'revocation');
    const notice = decodeRevocation(openEnvelope(decodeEnvelope(got[0]), f.trusted));
    assert.equal(notice.nodeName, 'edge-b');
  });
});

export { site, siteTopic };
