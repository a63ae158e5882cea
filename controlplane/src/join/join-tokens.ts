/**
 * Join tokens (k3s style), kept in `join-tokens.json` in the data dir as SHA-256 hashes with an
 * expiry and an optional site. The clear token is returned once, by `create`; `verify` notices
 * when another process (`wisp token create`) rewrote the file. A token may join many nodes until
 * it expires: one token is flashed onto a whole batch of devices.
 *
 *   const path = join(dataDir, joinTokensFile);
 *   const tokens = await openJoinTokenStore(path, { caHash, clock, random });
 *   const { token } = await tokens.create({ ttlMs: 24 * 3600_000, site: 'store-42' });
 *   tokens.verify(parseJoinToken(token).credential); // { id, site: 'store-42' }
 */
import { checkSite, formatJoinToken } from '@wisp/api/wire/join.ts';
import { rfc3339, type Clock, type Random } from '@wisp/core';
import { hashesEqual, newToken, tokenBytesMax, tokenHash } from '../auth/token-format.ts';
import { JoinTokenFileError, JoinTokenRefusedError } from './errors.ts';
import { parseJoinTokenFile, type JoinTokenRecord } from './join-token-file.ts';

import { openRecordFile } from '../auth/record-file.ts';

export const joinTokensFile = 'join-tokens.json';
export const joinTokenTtlMsDefault = 24 * 3600 * 1000;

export interface JoinTokenRequest {
  /** 0 for a token that never expires; the default is 24 hours. */
  readonly ttlMs?: number;
  readonly site?: string;
}

export interface JoinTokenGrant {
  readonly id: string;
  readonly site?: string;
}

export interface JoinTokenStore {
  create(request: JoinTokenRequest): Promise<{ id: string; token: string; expiresAt?: string }>;
  /** The grant of `<id>.<secret>`; JoinTokenRefusedError if unknown or expired. */
  verify(credential: string): JoinTokenGrant;
  revoke(id: string): Promise<boolean>;
  list(): Omit<JoinTokenRecord, 'sha256'>[];
}

export interface JoinTokenStoreComponents {
  /** SHA-256 of the CA's DER, written into every token. */
  readonly caHash: string;
  readonly clock: Clock;
  readonly random: Random;
}

export async function openJoinTokenStore(
  path: string,
  components: JoinTokenStoreComponents,
): Promise<JoinTokenStore> {
  const { clock } = components;
  const file = openRecordFile<JoinTokenRecord>(
    path,
    parseJoinTokenFile,
    (p, cause) => new JoinTokenFileError(p, 'cannot be read', { cause }),
  );
  const refresh = (strict: boolean): void => file.refresh(strict);
  const save = (next: JoinTokenRecord[]): Promise<void> => file.save(next);

  return {
    async create(request) {
      const ttlMs = request.ttlMs ?? joinTokenTtlMsDefault;
      if (!Number.isFinite(ttlMs) || ttlMs < 0) {
        throw new JoinTokenFileError(path, `ttlMs: Invalid value: ${ttlMs}: must be >= 0`);
      }
      checkSite(request.site ?? '');
      refresh(true);
      const { id, token } = newToken(components.random);
      const expiresAt = ttlMs > 0 ? rfc3339(clock.now() + ttlMs) : undefined;
      const record: JoinTokenRecord = {
        id,
        sha256: tokenHash(token),
        createdAt: rfc3339(clock.now()),
        ...(expiresAt ? { expiresAt } : {}),
        ...(request.site ? { site: request.site } : {}),
      };
      await save([...file.records(), record]);
      return { id, token: formatJoinToken(components.caHash, token), expiresAt };
    },
    verify(credential) {
      if (!credential || Buffer.byteLength(credential) > tokenBytesMax) {
        throw new JoinTokenRefusedError('malformed', 'join token: malformed');
      }
      refresh(false);
      const found = findRecord(file.records(), tokenHash(credential));
      if (!found) throw new JoinTokenRefusedError('unknown', 'join token: unknown');
      if (found.expiresAt && Date.parse(found.expiresAt) <= clock.now()) {
        throw new JoinTokenRefusedError('expired', `join token ${found.id}: expired`);
      }
      return { id: found.id, ...(found.site ? { site: found.site } : {}) };
    },
    revoke: (id) => file.remove(id),
    list: () => file.summaries(),
  };
}

/** Checks every record, so the time taken says nothing about which one matched. */
function findRecord(records: readonly JoinTokenRecord[], hash: string) {
  let found: JoinTokenRecord | undefined;
  for (const r of records) {
    if (hashesEqual(r.sha256, hash) && !found) found = r;
  }
  return found;
}
