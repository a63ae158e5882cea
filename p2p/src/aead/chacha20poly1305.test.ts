import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { seededRandom } from '@wisp/core';
import { compileFreestandingC } from '@wisp/testkit/wasm-toolchain.ts';
import { chachaPoly, ChaChaPoly, tagBytes } from './chacha20poly1305.ts';
import { chachaPolyWasm } from './chacha20poly1305-wasm.ts';

const hex = (s: string) => Buffer.from(s.replace(/[\s:]/g, ''), 'hex');

/** OpenSSL's ChaCha20-Poly1305 through node:crypto: the reference every output is held to. */
function openssl(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array) {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: tagBytes });
  c.setAAD(ad, { plaintextLength: plaintext.byteLength });
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

describe('ChaCha20-Poly1305 (wasm)', () => {
  it("gives RFC 8439 §2.8.2's ciphertext and tag, and opens them", () => {
    const plaintext = Buffer.from(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for " +
        'the future, sunscreen would be it.',
    );
    const ad = hex('50515253c0c1c2c3c4c5c6c7');
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hex('070000004041424344454647');
    const expected = hex(`
      d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6
      3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36
      92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc
      3ff4def08e4b7a9de576d26586cec64b6116
      1ae10b594f09e26a7e902ecbd0600691`);
    const sealed = chachaPoly.seal(key, nonce, ad, plaintext);
    assert.deepEqual(Buffer.from(sealed), expected);
    assert.deepEqual(Buffer.from(chachaPoly.open(key, nonce, ad, sealed)!), plaintext);
  });

  it("matches OpenSSL at every length to 300 bytes, block edges, and up to the module's limit", () => {
    const random = seededRandom(8439);
    const lengths = [
      ...Array.from({ length: 301 }, (_, i) => i),
      ...[511, 512, 513, 1023, 1024, 8191, 8192, 8193, 65_000, chachaPoly.messageMax],
      ...Array.from({ length: 40 }, () => random.int(chachaPoly.messageMax + 1)),
    ];
    for (const length of lengths) {
      const key = random.bytes(32);
      const nonce = random.bytes(12);
      const ad = random.bytes([0, 1, 12, 16, 17, 32, 64][length % 7]);
      const plaintext = random.bytes(length);
      const sealed = chachaPoly.seal(key, nonce, ad, plaintext);
      assert.deepEqual(Buffer.from(sealed), openssl(key, nonce, ad, plaintext), `length ${length}`);
      const opened = chachaPoly.open(key, nonce, ad, sealed);
      assert.deepEqual(Buffer.from(opened!), Buffer.from(plaintext), `length ${length}`);
    }
  });

  it('refuses a message with any single bit changed in ciphertext, tag, ad, nonce or key', () => {
    const random = seededRandom(7);
    const key = random.bytes(32);
    const nonce = random.bytes(12);
    const ad = random.bytes(32);
    const sealed = chachaPoly.seal(key, nonce, ad, random.bytes(100));
    const flipped = (bytes: Uint8Array, bit: number) => {
      const copy = Uint8Array.from(bytes);
      copy[bit >> 3] ^= 1 << (bit & 7);
      return copy;
    };
    for (let bit = 0; bit < sealed.byteLength * 8; bit++) {
      assert.equal(chachaPoly.open(key, nonce, ad, flipped(sealed, bit)), undefined, `bit ${bit}`);
    }
    for (let bit = 0; bit < 32 * 8; bit += 7) {
      assert.equal(chachaPoly.open(key, nonce, flipped(ad, bit), sealed), undefined);
      assert.equal(chachaPoly.open(flipped(key, bit), nonce, ad, sealed), undefined);
    }
    for (let bit = 0; bit < 12 * 8; bit++) {
      assert.equal(chachaPoly.open(key, flipped(nonce, bit), ad, sealed), undefined);
    }
    assert.equal(chachaPoly.open(key, nonce, ad, sealed.subarray(0, 15)), undefined, 'no tag');
  });

  it('leaves dst alone on a forgery and decrypts in place into it otherwise, as Noise does', () => {
    const random = seededRandom(3);
    const [key, nonce, ad] = [random.bytes(32), random.bytes(12), new Uint8Array(0)];
    const plaintext = random.bytes(200);
    const sealed = chachaPoly.seal(key, nonce, ad, plaintext);
    const forged = Uint8Array.from(sealed);
    forged[199 + tagBytes] ^= 1;
    const before = Uint8Array.from(forged);
    assert.equal(chachaPoly.open(key, nonce, ad, forged, forged.subarray(0, 200)), undefined);
    assert.deepEqual(forged, before);
    const out = chachaPoly.open(key, nonce, ad, sealed, sealed.subarray(0, 200));
    assert.equal(out!.buffer, sealed.buffer);
    assert.deepEqual(Buffer.from(sealed.subarray(0, 200)), Buffer.from(plaintext));
    assert.throws(
      () => chachaPoly.open(key, nonce, ad, chachaPoly.seal(key, nonce, ad, plaintext), sealed),
      /dst is 216 bytes, need 200/,
    );
  });

  it('takes a message as a list of chunks (as Noise passes a Uint8ArrayList) or one array', () => {
    const list = (...chunks: Uint8Array[]) => ({
      byteLength: chunks.reduce((n, c) => n + c.byteLength, 0),
      [Symbol.iterator]: () => chunks.values(),
    });
    const random = seededRandom(5);
    const [key, nonce, ad] = [random.bytes(32), random.bytes(12), random.bytes(8)];
    const parts = [random.bytes(3), random.bytes(0), random.bytes(70), random.bytes(1)];
    const whole = Buffer.concat(parts);
    const sealed = chachaPoly.seal(key, nonce, ad, list(...parts));
    assert.deepEqual(Buffer.from(sealed), openssl(key, nonce, ad, whole));
    const opened = chachaPoly.open(
      key,
      nonce,
      ad,
      list(sealed.subarray(0, 10), sealed.subarray(10)),
    );
    assert.deepEqual(Buffer.from(opened!), whole);
  });

  it('names what is wrong with a key, nonce, ad or message it cannot take', () => {
    const own = new ChaChaPoly();
    const [key, nonce] = [new Uint8Array(32), new Uint8Array(12)];
    assert.equal(own.fits(own.messageMax, new Uint8Array(own.adMax)), true);
    assert.equal(own.fits(own.messageMax + 1, new Uint8Array(0)), false);
    assert.equal(own.fits(0, new Uint8Array(own.adMax + 1)), false);
    assert.throws(
      () => own.seal(key, nonce, new Uint8Array(0), new Uint8Array(own.messageMax + 1)),
      /65520-byte message with 0-byte associated data is over this module's 65519 and 64/,
    );
    assert.throws(
      () => own.seal(new Uint8Array(16), nonce, new Uint8Array(0), new Uint8Array(1)),
      /key and nonce must be 32 and 12 bytes, got 16 and 12/,
    );
    assert.throws(
      () => own.open(key, new Uint8Array(8), new Uint8Array(0), new Uint8Array(20)),
      /got 32 and 8/,
    );
  });

  it('embeds the module chacha20poly1305.c compiles to (npm run build:aead)', async (t) => {
    const clang = spawnSync('clang', ['--version']).status === 0;
    if (!clang && process.env.CI !== 'true') {
      t.skip('install the Debian packages clang and lld to rebuild the module');
      return;
    }
    const built = await compileFreestandingC(join(import.meta.dirname, 'chacha20poly1305.c'));
    assert.equal(
      built.toString('base64'),
      chachaPolyWasm,
      'the embedded module is stale: run `npm run build:aead`',
    );
  });
});
