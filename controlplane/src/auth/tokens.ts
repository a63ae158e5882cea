/**
 * Bearer tokens for people and tools, kept in `tokens.json` in the data dir as SHA-256 hashes
 * with the identity each stands for. The clear token is returned once, by `create`, and never
 * stored. `lookup` is synchronous for the request path and notices when another process (the
 * `wisp token` command) has rewritten the file.
 *
 *   const tokens = await openTokenStore(join(dataDir, 'tokens.json'), { clock, random });
 *   const { token } = await tokens.create({ user: 'ci', groups: ['deployers'] });
 *   tokens.lookup(token); // { name: 'ci', groups: ['deployers'] }
 *   await tokens.create({ user: 'ops', groups: ['wisp:viewers'], ttlMs: 3_600_000 });
 *
 * A token with a TTL is refused from its `expiresAt` on; expiry needs the clock component.
 */
import { rfc3339, type Clock, type Random } from '@wisp/core';
import { TokenFileError, TokenRequestError } from './errors.ts';
import { hashesEqual, newToken, tokenBytesMax, tokenHash } from './token-format.ts';
import { parseTokenFile, type TokenRecord } from './token-file.ts';
import type { UserInfo } from './user-info.ts';

/** The file's usual name, in the data dir. */
import { openRecordFile } from './record-file.ts';

export const tokensFile = 'tokens.json';

export interface TokenRequest {
  readonly user: string;
  readonly groups: readonly string[];
  readonly uid?: string;
  /** Lifetime from creation; absent or 0 for a token that never expires. */
  readonly ttlMs?: number;
}

/** A stored token as listed: everything but the hash. */
export type TokenSummary = Omit<TokenRecord, 'sha256'>;

export interface TokenStore {
  create(request: TokenRequest): Promise<{ id: string; token: string }>;
  /** The identity a token stands for, or undefined for an unknown token. */
  lookup(token: string): UserInfo | undefined;
  revoke(id: string): Promise<boolean>;
  list(): TokenSummary[];
}

export interface TokenStoreComponents {
  readonly random: Random;
  /** Stamps `createdAt` on new tokens and checks `expiresAt`; required for a TTL. */
  readonly clock?: Clock;
}

/** Opens the token file at `path` (created on the first `create`). */
export async function openTokenStore(
  path: string,
  components: TokenStoreComponents,
): Promise<TokenStore> {
  const file = openRecordFile<TokenRecord>(
    path,
    parseTokenFile,
    (p, cause) => new TokenFileError(p, 'cannot be read', { cause }),
  );
  const refresh = (strict: boolean): void => file.refresh(strict);
  const save = (next: TokenRecord[]): Promise<void> => file.save(next);

  return {
    async create(request) {
      checkRequest(request, components.clock);
      refresh(true);
      const { id, token } = newToken(components.random);
      const nowMs = components.clock?.now();
      const ttlMs = request.ttlMs ?? 0;
      const record: TokenRecord = {
        id,
        sha256: tokenHash(token),
        user: request.user,
        groups: [...request.groups],
        ...(request.uid ? { uid: request.uid } : {}),
        ...(nowMs !== undefined ? { createdAt: rfc3339(nowMs) } : {}),
        ...(nowMs !== undefined && ttlMs > 0 ? { expiresAt: rfc3339(nowMs + ttlMs) } : {}),
      };
      await save([...file.records(), record]);
      return { id, token };
    },
    lookup(token) {
      if (!token || Buffer.byteLength(token) > tokenBytesMax) return undefined;
      refresh(false);
      const found = findRecord(file.records(), tokenHash(token));
      if (!found || isExpired(found, components.clock)) return undefined;
      return userOf(found);
    },
    revoke: (id) => file.remove(id),
    list: () => file.summaries(),
  };
}

/** Checks every record, so the time taken says nothing about which one matched. */
function findRecord(records: readonly TokenRecord[], hash: string): TokenRecord | undefined {
  let found: TokenRecord | undefined;
  for (const r of records) {
    if (hashesEqual(r.sha256, hash) && !found) found = r;
  }
  return found;
}

function userOf(r: TokenRecord): UserInfo {
  return { name: r.user, groups: [...r.groups], ...(r.uid ? { uid: r.uid } : {}) };
}

/** Without a clock an expiring token is refused: failing closed beats serving it forever. */
function isExpired(r: TokenRecord, clock: Clock | undefined): boolean {
  if (!r.expiresAt) return false;
  return !clock || clock.now() >= Date.parse(r.expiresAt);
}

function checkRequest(request: TokenRequest, clock: Clock | undefined): void {
  if (!request.user) throw new TokenRequestError('user: Required value');
  const ttlMs = request.ttlMs ?? 0;
  if (!Number.isInteger(ttlMs) || ttlMs < 0) {
    throw new TokenRequestError(
      `ttlMs: Invalid value: ${ttlMs}: must be a whole number, 0 or more`,
    );
  }
  if (ttlMs > 0 && !clock) throw new TokenRequestError('ttlMs: Forbidden: needs a clock');
  request.groups.forEach((g, i) => {
    if (!g) throw new TokenRequestError(`groups[${i}]: Required value`);
  });
}
