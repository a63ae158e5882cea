import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import * as real from '@chainsafe/as-chacha20poly1305';
import { digest as realDigest } from '@chainsafe/as-sha256';
import { ChaCha20Poly1305, newInstance } from './as-chacha20poly1305-shim.ts';
import { digest } from './as-sha256-shim.ts';

describe('device bundle crypto shims', () => {
  const shim = new ChaCha20Poly1305(newInstance());
  const wasm = new real.ChaCha20Poly1305(real.newInstance());

  it('seal the same bytes as the wasm AEAD, and each opens the other', () => {
    for (const size of [0, 1, 63, 64, 1199, 1200, 5000]) {
      const key = randomBytes(32);
      const nonce = randomBytes(12);
      const ad = randomBytes(size % 7 === 0 ? 0 : 13);
      const text = randomBytes(size);
      const a = shim.seal(key, nonce, text, ad);
      const b = wasm.seal(key, nonce, text, ad);
      assert.deepEqual(Buffer.from(a), Buffer.from(b), `size ${size}`);
      assert.deepEqual(Buffer.from(shim.open(key, nonce, b, ad)!), text);
      assert.deepEqual(Buffer.from(wasm.open(key, nonce, a, ad)!), text);
    }
  });

  it('open refuses a changed byte with null, as the wasm AEAD does', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const sealed = shim.seal(key, nonce, randomBytes(40));
    sealed[3] ^= 1;
    assert.equal(shim.open(key, nonce, sealed), null);
    assert.equal(shim.open(key, nonce, sealed.subarray(0, 5)), null);
  });

  it('hash as the wasm SHA-256 does', () => {
    const data = randomBytes(1000);
    assert.deepEqual(Buffer.from(digest(data)), Buffer.from(realDigest(data)));
  });
});
