import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkPeer,
  decodeIdentity,
  decodeVerdict,
  encodeIdentity,
  encodeVerdict,
} from './gossip-identity.ts';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('identity exchange codec', () => {
  it('round-trips a PEM certificate and the verdicts', () => {
    assert.equal(decodeIdentity(encodeIdentity(pem)), pem);
    assert.equal(decodeVerdict(encodeVerdict(true)), true);
    assert.equal(decodeVerdict(encodeVerdict(false)), false);
  });

  it('refuses a frame that is not a PEM certificate or not UTF-8', () => {
    const bad = (e: Error & { code?: string }) => e.code === 'ERR_BAD_REQUEST';
    assert.throws(() => decodeIdentity(encodeIdentity('hello')), bad);
    assert.throws(() => decodeIdentity(Uint8Array.of(0xff, 0xfe)), bad);
    assert.throws(() => decodeVerdict(Uint8Array.of(2)), bad);
    assert.throws(() => decodeVerdict(Uint8Array.of(0, 0)), bad);
  });

  it('counts a throwing or non-boolean verifyPeer as a refusal', async () => {
    const throwing = () => {
      throw new Error('broken');
    };
    assert.equal(await checkPeer(throwing, pem, 'p'), false);
    assert.equal(await checkPeer(() => 'yes' as unknown as boolean, pem, 'p'), false);
    assert.equal(await checkPeer(async (_c, peer) => peer === 'p', pem, 'p'), true);
  });
});
