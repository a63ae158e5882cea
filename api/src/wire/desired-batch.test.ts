import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { InvalidError } from '../validation/invalid-error.ts';
import { SignatureError } from './envelope.ts';
import { openSiteMessage, sealDesiredBatch, validateDesiredBatchHeader } from './desired-batch.ts';
import { sealWireMessage, wireApiVersion, type NodeDesired } from './messages.ts';

const pair = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(4));
const key = { keyId: 'cp', secretKey: pair.secretKey };
const trusted = (id: string) => (id === 'cp' ? pair.publicKey : undefined);

function doc(nodeName: string, revision: number): NodeDesired {
  return {
    apiVersion: wireApiVersion,
    kind: 'NodeDesired',
    nodeName,
    revision,
    pods: [],
    configMaps: [],
    sealedSecrets: [],
    services: [],
    endpoints: [],
  };
}

const entry = (d: NodeDesired) => ({
  nodeName: d.nodeName,
  revision: d.revision,
  bytes: sealWireMessage(d, key),
});

describe('desired batches', () => {
  it('round-trips a batch, each entry the node’s own envelope, and still opens one document', () => {
    const a = entry(doc('a', 3));
    const bytes = sealDesiredBatch('s1', [a, entry(doc('b', 4))], key);
    const msg = openSiteMessage(bytes, trusted);
    assert.equal(msg.kind, 'DesiredBatch');
    if (msg.kind !== 'DesiredBatch') return;
    assert.equal(msg.batch.site, 's1');
    assert.deepEqual(
      msg.batch.entries.map((e) => [e.nodeName, e.revision]),
      [
        ['a', 3],
        ['b', 4],
      ],
    );
    assert.deepEqual(msg.batch.entries[0].bytes, a.bytes);
    const single = openSiteMessage(msg.batch.entries[0].bytes, trusted);
    assert.equal(single.kind === 'NodeDesired' && single.doc.nodeName, 'a');
  });

  it('refuses a batch under an untrusted key, or with any byte changed', () => {
    const rogue = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(9));
    const forged = sealDesiredBatch('s1', [entry(doc('a', 1))], {
      keyId: 'cp',
      secretKey: rogue.secretKey,
    });
    assert.throws(() => openSiteMessage(forged, trusted), SignatureError);
    const good = sealDesiredBatch('s1', [entry(doc('a', 1))], key);
    const tampered = Uint8Array.from(good);
    tampered[tampered.length - 80] ^= 1; // inside the entry
    assert.throws(() => openSiteMessage(tampered, trusted), SignatureError);
  });

  it('refuses a truncated batch or one whose lengths do not add up', () => {
    const good = sealDesiredBatch('s1', [entry(doc('a', 1))], key);
    assert.throws(() => openSiteMessage(good.subarray(0, 10), trusted), InvalidError);
    assert.throws(() => openSiteMessage(good.subarray(0, good.length - 1), trusted), InvalidError);
  });

  it('names the field of a malformed header entry', () => {
    const header = {
      apiVersion: wireApiVersion,
      kind: 'DesiredBatch',
      site: 's1',
      keyId: 'cp',
      entries: [{ nodeName: 'a', revision: 0, bytes: 5 }, { nodeName: 'a' }],
    };
    const fields = validateDesiredBatchHeader(header).map((e) => e.field);
    assert.ok(fields.includes('entries[0].revision'), fields.join());
    assert.ok(fields.includes('entries[1].nodeName'), fields.join());
    assert.ok(fields.includes('entries[1].bytes'), fields.join());
  });
});
