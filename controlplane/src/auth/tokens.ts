/**
 * Bearer tokens for people and tools, kept in `tokens.json` in the data dir as SHA-256 hashes
 * with the identity each stands for. The clear token is returned once, by `create`, and never
 * stored. `lookup` is synchronous for the request path and notices when another process (the
 * `wisp token` command) has rewritten the file.
 *
 *   const tokens = await openTokenStore(join(dataDir, 'tokens.json'), { clock, random });
 *   const { token } = await tokens.create({ user: 'ci', groups: ['deployers'] });
 *   tokens.lookup(token); // { name: 'ci', groups: ['deployers'] }
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { rfc3339, type Clock, type Random } from '@wisp/core';
import { privateFileMode, writeFileAtomic } from '../pki/pem-files.ts';
import { TokenFileError, TokenRequestError } from './errors.ts';
import { hashesEqual, newToken, tokenBytesMax, tokenHash } from './token-format.ts';
import { parseTokenFile, type TokenRecord } from './token-file.ts';
import type { UserInfo } from './user-info.ts';

/** The file's usual name, in the data dir. */
export const tokensFile = 'tokens.json';

export interface TokenRequest {
  readonly user: string;
  readonly groups: readonly string[];
  readonly uid?: string;
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
  /** Stamps `createdAt` on new tokens when given. */
  readonly clock?: Clock;
}

/** Opens the token file at `path` (created on the first `create`). */
export async function openTokenStore(
  path: string,
  components: TokenStoreComponents,
): Promise<TokenStore> {
  let records: TokenRecord[] = [];
  let seen: string | undefined;

  // Fails closed: a file that cannot be read revokes every token until it is fixed.
  const refresh = (strict: boolean): void => {
    const stamp = fileStamp(path);
    if (stamp === seen) return;
    try {
      records = stamp === undefined ? [] : parseTokenFile(path, readFileSync(path, 'utf8'));
      seen = stamp;
    } catch (e) {
      records = [];
      seen = undefined;
      if (strict) throw e;
    }
  };
  const save = async (next: TokenRecord[]): Promise<void> => {
    await writeFileAtomic(path, `${JSON.stringify({ tokens: next }, null, 2)}\n`, privateFileMode);
    records = next;
    seen = fileStamp(path);
  };
  refresh(true);

  return {
    async create(request) {
      checkRequest(request);
      refresh(true);
      const { id, token } = newToken(components.random);
      const record: TokenRecord = {
        id,
        sha256: tokenHash(token),
        user: request.user,
        groups: [...request.groups],
        ...(request.uid ? { uid: request.uid } : {}),
        ...(components.clock ? { createdAt: rfc3339(components.clock.now()) } : {}),
      };
      await save([...records, record]);
      return { id, token };
    },
    lookup(token) {
      if (!token || Buffer.byteLength(token) > tokenBytesMax) return undefined;
      refresh(false);
      return findRecord(records, tokenHash(token));
    },
    async revoke(id) {
      refresh(true);
      const next = records.filter((r) => r.id !== id);
      if (next.length === records.length) return false;
      await save(next);
      return true;
    },
    list() {
      refresh(false);
      return records.map(({ sha256: _, ...summary }) => summary);
    },
  };
}

/** Checks every record, so the time taken says nothing about which one matched. */
function findRecord(records: readonly TokenRecord[], hash: string): UserInfo | undefined {
  let found: TokenRecord | undefined;
  for (const r of records) {
    if (hashesEqual(r.sha256, hash) && !found) found = r;
  }
  if (!found) return undefined;
  return { name: found.user, groups: [...found.groups], ...(found.uid ? { uid: found.uid } : {}) };
}

function fileStamp(path: string): string | undefined {
  let s: Stats;
  try {
    s = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TokenFileError(path, 'cannot be read', { cause: e });
  }
  return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

function checkRequest(request: TokenRequest): void {
  if (!request.user) throw new TokenRequestError('user: Required value');
  request.groups.forEach((g, i) => {
    if (!g) throw new TokenRequestError(`groups[${i}]: Required value`);
  });
}
