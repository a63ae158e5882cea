import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { openSiteMessage } from '@wisp/api/wire/desired-batch.ts';
import { sealWireMessage, siteTopic, wireApiVersion } from '@wisp/api/wire/messages.ts';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { createSiteOutbox } from './site-outbox.ts';
import type { SignedDocument } from './node-document.ts';

const pair = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(5));
const signingKey = { keyId: 'cp', secretKey: pair.secretKey };
const trusted = (id: string) => (id === 'cp' ? pair.publicKey : undefined);

function doc(nodeName: string, revision: number, padBytes = 0): SignedDocument {
  const labels = padBytes ? { pad: 'x'.repeat(padBytes) } : undefined;
  const bytes = sealWireMessage(
    {
      apiVersion: wireApiVersion,
      kind: 'NodeDesired',
      nodeName,
      revision,
      pods: [],
      configMaps: labels
        ? [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'c', namespace: 'd' },
              data: labels,
            },
          ]
        : [],
      sealedSecrets: [],
      services: [],
      endpoints: [],
    },
    signingKey,
  );
  return { nodeName, revision, bytes };
}

function setup(batchBytesMax?: number) {
  const clock = new FakeClock();
  const sent: { topic: string; bytes: Uint8Array }[] = [];
  const outbox = createSiteOutbox(
    { windowMs: 5, batchBytesMax },
    { clock, signingKey, publish: async (topic, bytes) => void sent.push({ topic, bytes }) },
  );
  const opened = () =>
    sent.map((s) => ({ topic: s.topic, msg: openSiteMessage(s.bytes, trusted) }));
  return { clock, outbox, sent, opened };
}

describe('site outbox', () => {
  it('sends what arrives within the window as one signed batch per site', async () => {
    const { clock, outbox, sent, opened } = setup();
    outbox.add('a', doc('n1', 2));
    outbox.add('a', doc('n2', 2));
    outbox.add('b', doc('n3', 2));
    outbox.add('a', doc('n1', 3)); // the newer one replaces the waiting one
    assert.equal(sent.length, 0);
    await clock.advanceAsync(5);
    const got = opened().map(({ topic, msg }) => [
      topic,
      msg.kind === 'DesiredBatch'
        ? msg.batch.entries.map((e) => `${e.nodeName}@${e.revision}`)
        : [],
    ]);
    assert.deepEqual(got, [
      [siteTopic('a'), ['n1@3', 'n2@2']],
      [siteTopic('b'), ['n3@2']],
    ]);
    assert.ok(outbox.idle());
  });

  it('splits at the byte cap and sends a document larger than the cap alone, unbatched', async () => {
    const { clock, outbox, opened } = setup(4096);
    outbox.add('a', doc('n1', 1, 1000));
    outbox.add('a', doc('n2', 1, 1000));
    outbox.add('a', doc('n3', 1, 1000));
    outbox.add('a', doc('big', 1, 8000));
    await clock.advanceAsync(5);
    const kinds = opened().map(({ msg }) =>
      msg.kind === 'DesiredBatch' ? msg.batch.entries.length : msg.doc.nodeName,
    );
    assert.deepEqual(kinds, [2, 1, 'big']);
  });
});
