/**
 * ChaCha20-Poly1305 (RFC 8439) for small messages, in a 4 KB wasm module compiled from
 * chacha20poly1305.c (embedded by `npm run build:aead`). Noise encrypts every mesh frame between
 * agents, mostly 50–300 bytes; for those the module js-libp2p-noise ships costs 1.8–3 µs a call
 * and Node's OpenSSL cipher about 15 µs (creating the cipher object dominates), this one
 * 0.55–0.8 µs. Above about 8 KiB OpenSSL's vector code wins, so `noiseCrypto` (connection-stack.ts)
 * sends only smaller messages here.
 *
 *   const sealed = chachaPoly.seal(key, nonce, ad, plaintext); // ciphertext ‖ 16-byte tag
 *   const plaintext = chachaPoly.open(key, nonce, ad, sealed); // undefined if forged
 */
import { chachaPolyWasm } from './chacha20poly1305-wasm.ts';

/** The module's exports (chacha20poly1305.c). */
interface AeadExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  key(): number;
  nonce(): number;
  ad(): number;
  message(): number;
  message_max(): number;
  ad_max(): number;
  seal(length: number, adLength: number): number;
  open(length: number, adLength: number): number;
}

/** Bytes as one array or as a list of chunks (a Uint8ArrayList). */
export type Bytes =
  Uint8Array | { readonly byteLength: number; [Symbol.iterator](): Iterator<Uint8Array> };

/** The global `WebAssembly`, as far as used here (the repository's `lib` has no DOM types). */
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { readonly exports: object };
    };
  }
).WebAssembly;

export const keyBytes = 32;
export const nonceBytes = 12;
export const tagBytes = 16;

export class ChaChaPoly {
  /** The longest plaintext one call takes (a Noise message less its tag). */
  readonly messageMax: number;
  /** The longest associated data one call takes (Noise's is a 32-byte hash, or empty). */
  readonly adMax: number;
  readonly #x: AeadExports;
  readonly #memory: Uint8Array;
  readonly #key: number;
  readonly #nonce: number;
  readonly #ad: number;
  readonly #message: number;

  constructor() {
    const module = new wasm.Module(Buffer.from(chachaPolyWasm, 'base64'));
    this.#x = new wasm.Instance(module, {}).exports as AeadExports;
    // The module never grows its memory, so this view stays valid.
    this.#memory = new Uint8Array(this.#x.memory.buffer);
    this.#key = this.#x.key();
    this.#nonce = this.#x.nonce();
    this.#ad = this.#x.ad();
    this.#message = this.#x.message();
    this.messageMax = this.#x.message_max();
    this.adMax = this.#x.ad_max();
  }

  /** Whether a message of `length` bytes (plaintext, or sealed less its tag) and `ad` fit. */
  fits(length: number, ad: Uint8Array): boolean {
    return length <= this.messageMax && ad.byteLength <= this.adMax;
  }

  /** Encrypts `plaintext`: the ciphertext followed by the 16-byte tag, in a new buffer. */
  seal(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plaintext: Bytes): Uint8Array {
    const length = plaintext.byteLength;
    this.#load(key, nonce, ad, plaintext, length);
    this.#x.seal(length, ad.byteLength);
    const start = this.#message;
    const out = Buffer.allocUnsafe(length + tagBytes);
    out.set(this.#memory.subarray(start, start + length + tagBytes));
    return out;
  }

  /**
   * Checks the tag at the end of `sealed` and decrypts the rest into `dst` (which may be
   * `sealed` itself) or a new buffer; `undefined` when the tag does not match.
   */
  open(
    key: Uint8Array,
    nonce: Uint8Array,
    ad: Uint8Array,
    sealed: Bytes,
    dst?: Uint8Array,
  ): Uint8Array | undefined {
    const length = sealed.byteLength - tagBytes;
    if (length < 0) return undefined;
    this.#load(key, nonce, ad, sealed, length);
    if (this.#x.open(length, ad.byteLength) !== 1) return undefined;
    if (dst !== undefined && dst.byteLength !== length) {
      throw new RangeError(`chacha20-poly1305: dst is ${dst.byteLength} bytes, need ${length}`);
    }
    const out = dst ?? Buffer.allocUnsafe(length);
    const start = this.#message;
    out.set(this.#memory.subarray(start, start + length));
    return out;
  }

  #load(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, data: Bytes, length: number): void {
    if (key.byteLength !== keyBytes || nonce.byteLength !== nonceBytes) {
      throw new RangeError(
        `chacha20-poly1305: key and nonce must be ${keyBytes} and ${nonceBytes} bytes, ` +
          `got ${key.byteLength} and ${nonce.byteLength}`,
      );
    }
    if (!this.fits(length, ad)) {
      throw new RangeError(
        `chacha20-poly1305: ${length}-byte message with ${ad.byteLength}-byte associated data ` +
          `is over this module's ${this.messageMax} and ${this.adMax}`,
      );
    }
    const memory = this.#memory;
    memory.set(key, this.#key);
    memory.set(nonce, this.#nonce);
    memory.set(ad, this.#ad);
    if (data instanceof Uint8Array) {
      memory.set(data, this.#message);
      return;
    }
    let at = this.#message;
    for (const chunk of data) {
      memory.set(chunk, at);
      at += chunk.byteLength;
    }
  }
}

/** One instance per process: calls are synchronous, so they never interleave. */
export const chachaPoly = new ChaChaPoly();
