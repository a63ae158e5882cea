/**
 * wasi:random. A sandbox boundary: the guest's randomness is real entropy, never the injected
 * (possibly seeded) `Random` the orchestrator uses for its own decisions.
 */
// eslint-disable-next-line no-restricted-syntax -- the guest gets real entropy (sandbox boundary)
import { randomBytes } from 'node:crypto';

/** The most one call hands out; a guest asking for more gets this many (as wasmtime does). */
export const randomBytesMax = 1024 * 1024;

const bytes = (len: bigint): Uint8Array =>
  new Uint8Array(randomBytes(Number(len > BigInt(randomBytesMax) ? randomBytesMax : len)));
const u64 = (): bigint => randomBytes(8).readBigUInt64LE(0);

export function randomInterfaces(): Record<string, Record<string, unknown>> {
  return {
    random: { getRandomBytes: bytes, getRandomU64: u64 },
    insecure: { getInsecureRandomBytes: bytes, getInsecureRandomU64: u64 },
    'insecure-seed': { insecureSeed: (): [bigint, bigint] => [u64(), u64()] },
  };
}
