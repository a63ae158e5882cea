/**
 * The on-disk shape of `tokens.json`, validated field by field so a hand-edited file fails with
 * the path of the bad field.
 */
import { TokenFileError } from './errors.ts';

export interface TokenRecord {
  readonly id: string;
  /** Hex SHA-256 of the whole token. */
  readonly sha256: string;
  readonly user: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  readonly createdAt?: string;
  /** RFC 3339; absent for a token that never expires. */
  readonly expiresAt?: string;
}

const hexSha256 = /^[0-9a-f]{64}$/;

export function parseTokenFile(path: string, text: string): TokenRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new TokenFileError(path, 'not JSON', { cause });
  }
  const tokens = (doc as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens)) throw new TokenFileError(path, 'tokens: Required value');
  return tokens.map((t, i) => parseRecord(path, t, `tokens[${i}]`));
}

function parseRecord(path: string, value: unknown, at: string): TokenRecord {
  const r = (value ?? {}) as Record<string, unknown>;
  const bad = (field: string, why: string): never => {
    throw new TokenFileError(path, `${at}.${field}: ${why}`);
  };
  for (const field of ['id', 'user'] as const) {
    if (typeof r[field] !== 'string' || !r[field]) bad(field, 'Required value');
  }
  if (typeof r.sha256 !== 'string' || !hexSha256.test(r.sha256)) {
    bad('sha256', 'Invalid value: must be 64 lower-case hex digits');
  }
  if (!Array.isArray(r.groups) || r.groups.some((g) => typeof g !== 'string')) {
    bad('groups', 'Invalid value: must be a list of strings');
  }
  for (const field of ['uid', 'createdAt', 'expiresAt'] as const) {
    if (r[field] !== undefined && typeof r[field] !== 'string')
      bad(field, 'Invalid value: must be a string');
  }
  return {
    id: r.id as string,
    sha256: r.sha256 as string,
    user: r.user as string,
    groups: r.groups as string[],
    ...(r.uid ? { uid: r.uid as string } : {}),
    ...(r.createdAt ? { createdAt: r.createdAt as string } : {}),
    ...(r.expiresAt
      ? { expiresAt: parseTime(path, r.expiresAt as string, `${at}.expiresAt`) }
      : {}),
  };
}

function parseTime(path: string, value: string, at: string): string {
  if (Number.isNaN(Date.parse(value))) {
    throw new TokenFileError(path, `${at}: Invalid value: "${value}": must be an RFC 3339 time`);
  }
  return value;
}
