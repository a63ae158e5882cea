/**
 * Stands in for `@chainsafe/as-chacha20poly1305` in the device bundle. libp2p-noise imports that
 * package and instantiates its WebAssembly at load, only to encrypt frames under 1,200 bytes a
 * little faster; on a device the wasm compiler it wakes costs about 9 MiB of resident memory for
 * the agent's whole life. This is the same AEAD (RFC 8439) through Node's OpenSSL, with the same
 * interface noise calls: `seal` returns ciphertext and tag, `open` returns null when the tag
 * does not verify.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

const TAG_BYTES = 16;
const ALGORITHM = 'chacha20-poly1305';

/** noise calls it once at load; there is no wasm context to make. */
export function newInstance(): object {
  return {};
}

export class ChaCha20Poly1305 {
  constructor(_ctx?: object) {}

  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad?: Uint8Array): Uint8Array {
    const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
    if (ad) cipher.setAAD(ad, { plaintextLength: plaintext.byteLength });
    const body = cipher.update(plaintext);
    const final = cipher.final();
    return Buffer.concat([body, final, cipher.getAuthTag()]);
  }

  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, ad?: Uint8Array): Uint8Array | null {
    if (sealed.byteLength < TAG_BYTES) return null;
    const text = sealed.subarray(0, sealed.byteLength - TAG_BYTES);
    const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
    if (ad) decipher.setAAD(ad, { plaintextLength: text.byteLength });
    decipher.setAuthTag(sealed.subarray(sealed.byteLength - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(text), decipher.final()]);
    } catch {
      return null;
    }
  }
}
