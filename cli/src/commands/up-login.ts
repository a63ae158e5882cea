/**
 * The dashboard login token `wisp up` prints: a cluster-admin bearer token, kept in clear in
 * `DIR/login.token` (0600, beside `admin.kubeconfig`, whose key grants the same) so a second
 * `wisp up` prints the same one. A kept token that no longer authenticates (revoked with
 * `wisp user-token delete`) is replaced.
 */
import { join } from 'node:path';
import { privateFileMode, readIfExists, writeFileAtomic } from '@wisp/core';
import type { Clock, Random } from '@wisp/core';
import { openTokenStore, tokensFile } from '@wisp/controlplane/auth/tokens.ts';
import { createUserToken } from './user-token.ts';

export const loginTokenFile = 'login.token';
export const loginUser = 'wisp-up-admin';

export async function loadOrCreateLoginToken(
  dirs: { upDir: string; serverDir: string },
  components: { clock: Clock; random: Random },
): Promise<string> {
  const path = join(dirs.upDir, loginTokenFile);
  const kept = (await readIfExists(path))?.trim();
  if (kept) {
    const tokens = await openTokenStore(join(dirs.serverDir, tokensFile), components);
    if (tokens.lookup(kept)) return kept;
  }
  const request = { serverDataDir: dirs.serverDir, role: 'cluster-admin' as const, ttlMs: 0 };
  const { token } = await createUserToken({ ...request, user: loginUser }, components);
  await writeFileAtomic(path, `${token}\n`, privateFileMode);
  return token;
}
