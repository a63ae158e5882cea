import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { InvalidError } from '../validation/invalid-error.ts';
import { decodeEnvelope, encodeEnvelope, SignatureError, signEnvelope } from './envelope.ts';
import { openSiteMessage, sealDesiredBatch, validateDesiredBatch } from './desired-batch.ts';
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
  envelope: decodeEnvelope(sealWireMessage(d, key)),
});

describe('desired batches', () => {
  it('round-trips a batch and still opens a single document', () => {
    const bytes = sealDesiredBatch('s1', [entry(doc('a', 3)), entry(doc('b', 4))], key);
    const msg = openSiteMessage(bytes, trusted);
    assert.equal(msg.kind, 'DesiredBatch');
    if (msg.kind === 'DesiredBatch') {
      assert.deepEqual(
        msg.batch.entries.map((e) => [e.nodeName, e.revision]),
        [
          ['a', 3],
          ['b', 4],
        ],
      );
    }
    const single = openSiteMessage(sealWireMessage(doc('a', 3), key), trusted);
    assert.equal(single.kind, 'NodeDesired');
  });

  it('refuses a batch under an untrusted key', () => {
    const rogue = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(9));
    const bytes = sealDesiredBatch('s1', [entry(doc('a', 1))], {
      keyId: 'cp',
      secretKey: rogue.secretKey,
    });
    assert.throws(() => openSiteMessage(bytes, trusted), SignatureError);
  });

  it('names the field of a malformed entry', () => {
    const payload = {
      apiVersion: wireApiVersion,
      kind: 'DesiredBatch',
      site: 's1',
      entries: [{ nodeName: 'a', revision: 0, envelope: { payload: 'x' } }, { nodeName: 'a' }],
    };
    const fields = validateDesiredBatch(payload).map((e) => e.field);
    assert.ok(fields.includes('entries[0].revision'), fields.join());
    assert.ok(fields.includes('entries[1].nodeName'), fields.join());
    const bytes = encodeEnvelope(
      signEnvelope(new TextEncoder().encode(JSON.stringify(payload)), key),
    );
    assert.throws(() => openSiteMessage(bytes, trusted), InvalidError);
  });
});
