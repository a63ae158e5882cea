import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import {
  decodeEnvelope,
  encodeEnvelope,
  openEnvelope,
  signEnvelope,
  SignatureError,
  type SignedEnvelope,
} from './envelope.ts';

const keys = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(1));
const other = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(2));
const signer = { keyId: 'cp-1', secretKey: keys.secretKey };
const trusted = (id: string) => (id === 'cp-1' ? keys.publicKey : undefined);
const payload = new TextEncoder().encode('{"kind":"NodeDesired"}');

function reencoded(e: SignedEnvelope): SignedEnvelope {
  return decodeEnvelope(encodeEnvelope(e));
}

describe('SignedEnvelope', () => {
  it('gives back exactly the signed bytes under a trusted key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const opened = openEnvelope(reencoded(signEnvelope(bytes, signer)), trusted);
        assert.deepEqual(opened, bytes);
      }),
    );
  });

  it('refuses any changed payload byte with SignatureError', () => {
    const env = signEnvelope(payload, signer);
    fc.assert(
      fc.property(fc.nat(payload.length - 1), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const changed = Uint8Array.from(payload);
        changed[at] ^= x;
        const forged = { ...env, payload: Buffer.from(changed).toString('base64') };
        assert.throws(() => openEnvelope(forged, trusted), SignatureError);
      }),
    );
  });

  it('refuses an unknown key, and a signature by another key under a trusted id', () => {
    const env = signEnvelope(payload, signer);
    assert.throws(() => openEnvelope({ ...env, keyId: 'cp-2' }, trusted), /not trusted/);
    const impostor = signEnvelope(payload, { keyId: 'cp-1', secretKey: other.secretKey });
    assert.throws(
      () => openEnvelope(impostor, trusted),
      (e: SignatureError) => e.code === 'ERR_FORBIDDEN' && /does not verify/.test(e.message),
    );
  });

  it('decodes strictly: fields, canonical base64, signature length, size cap', () => {
    const env = signEnvelope(payload, signer);
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const invalid = (re: RegExp) => (e: Error & { code?: string }) =>
      e.code === 'ERR_INVALID' && re.test(e.message);
    assert.throws(() => decodeEnvelope(enc({ ...env, extra: 1 })), invalid(/extra: .*unknown/));
    assert.throws(() => decodeEnvelope(enc({ ...env, payload: 'YQ' })), invalid(/payload/));
    assert.throws(() => decodeEnvelope(enc({ ...env, signature: 'YQ==' })), invalid(/signature/));
    assert.throws(() => decodeEnvelope(enc({ ...env, keyId: 'a b' })), invalid(/keyId/));
    assert.throws(() => decodeEnvelope(enc([env])), invalid(/must be an object/));
    assert.throws(() => decodeEnvelope(Uint8Array.of(0xff)), invalid(/not UTF-8 JSON/));
    const bytes = encodeEnvelope(env);
    assert.throws(() => decodeEnvelope(bytes, bytes.length - 1), invalid(/Too long/));
    assert.deepEqual(decodeEnvelope(bytes, bytes.length), env);
  });
});
