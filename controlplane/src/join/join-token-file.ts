/**
 * The on-disk shape of `join-tokens.json`: the SHA-256 of each `<id>.<secret>` with its expiry
 * and site, validated field by field so a hand-edited file fails with the bad field's path.
 */
import { JoinTokenFileError } from './errors.ts';

export interface JoinTokenRecord {
  readonly id: string;
  /** Hex SHA-256 of `<id>.<secret>`. */
  readonly sha256: string;
  /** RFC 3339; absent for a token that never expires. */
  readonly expiresAt?: string;
  /** Nodes joining with this token are placed at this site. */
  readonly site?: string;
  readonly createdAt: string;
}

const hexSha256 = /^[0-9a-f]{64}$/;

export function parseJoinTokenFile(path: string, text: string): JoinTokenRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new JoinTokenFileError(path, 'not JSON', { cause });
  }
  const tokens = (doc as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens)) throw new JoinTokenFileError(path, 'tokens: Required value');
  return tokens.map((t, i) => parseRecord(path, t, `tokens[${i}]`));
}

function parseRecord(path: string, value: unknown, at: string): JoinTokenRecord {
  const r = (value ?? {}) as Record<string, unknown>;
  const bad = (field: string, why: string): never => {
    throw new JoinTokenFileError(path, `${at}.${field}: ${why}`);
  };
  for (const field of ['id', 'createdAt'] as const) {
    if (typeof r[field] !== 'string' || !r[field]) bad(field, 'Required value');
  }
  if (typeof r.sha256 !== 'string' || !hexSha256.test(r.sha256)) {
    bad('sha256', 'Invalid value: must be 64 lower-case hex digits');
  }
  if (r.expiresAt !== undefined && Number.isNaN(Date.parse(String(r.expiresAt)))) {
    bad('expiresAt', 'Invalid value: must be an RFC 3339 time');
  }
  if (r.site !== undefined && typeof r.site !== 'string') {
    bad('site', 'Invalid value: must be a string');
  }
  return {
    id: r.id as string,
    sha256: r.sha256 as string,
    createdAt: r.createdAt as string,
    ...(r.expiresAt ? { expiresAt: r.expiresAt as string } : {}),
    ...(r.site ? { site: r.site as string } : {}),
  };
}
