/**
 * Stands in for `@chainsafe/as-sha256` in the device bundle (see as-chacha20poly1305-shim.ts):
 * libp2p-noise imports its `digest` and so instantiates its WebAssembly at load; Node's OpenSSL
 * gives the same SHA-256 without waking the wasm compiler.
 */
import { createHash } from 'node:crypto';

export function digest(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest();
}
