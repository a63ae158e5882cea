/**
 * Bearer token text: `<id>.<secret>`, lower-case letters and digits, like kubeadm's bootstrap
 * tokens but with a longer secret. The id names the token in listings and revocation; only the
 * SHA-256 of the whole token is ever stored.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Random } from '@wisp/core';

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** The largest multiple of the alphabet size below 256: bytes above it are redrawn, no bias. */
const unbiasedByteLimit = 252;
export const tokenIdChars = 6;
export const tokenSecretChars = 32;
/** Longer bearer values are refused before hashing. */
export const tokenBytesMax = 1024;

function randomChars(random: Random, n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of random.bytes(n - out.length)) {
      if (b < unbiasedByteLimit) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

export function newToken(random: Random): { id: string; token: string } {
  const id = randomChars(random, tokenIdChars);
  return { id, token: `${id}.${randomChars(random, tokenSecretChars)}` };
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two hex digests of equal length without leaking where they differ. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
