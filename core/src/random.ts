/**
 * The only place that draws randomness. Inject `Random` so runs are reproducible from a seed.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface Random {
  /** A float in [0, 1). */
  float(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  bytes(n: number): Uint8Array;
  uuid(): string;
  /** Lower-case alphanumerics without vowels, as Kubernetes' generateName suffixes. */
  suffix(n: number): string;
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffixFrom(r: Pick<Random, 'int'>, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += SUFFIX_ALPHABET[r.int(SUFFIX_ALPHABET.length)];
  return s;
}

export function systemRandom(): Random {
  const r: Random = {
    float: () => Math.random(),
    int: (n) => Math.floor(Math.random() * n),
    bytes: (n) => new Uint8Array(randomBytes(n)),
    uuid: () => randomUUID(),
    suffix: (n) => suffixFrom(r, n),
  };
  return r;
}

/** A deterministic generator (mulberry32) for tests and the simulator. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const float = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r: Random = {
    float,
    int: (n) => Math.floor(float() * n),
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(float() * 256)),
    uuid: () => {
      const b = r.bytes(16);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = Buffer.from(b).toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    suffix: (n) => suffixFrom(r, n),
  };
  return r;
}
