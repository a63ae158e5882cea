/**
 * `wisp user-token create [--role cluster-admin|edit|view] [--user NAME] [--ttl 24h]`: prints a
 * bearer token for a person or tool (the dashboard's sign-in, or `kubectl --token`); `--ttl 0`
 * never expires. `list` shows ids, users, groups and expiry; `delete ID` withdraws one. Works on
 * the server's data dir, running or not: the apiserver re-reads the token file.
 */
import { join, resolve } from 'node:path';
import { systemClock, systemRandom } from '@wisp/core';
import type { Clock, Random } from '@wisp/core';
import { openTokenStore, tokensFile } from '@wisp/controlplane/auth/tokens.ts';
import { parseTokenRole, tokenRoleGroups } from '@wisp/controlplane/auth/token-roles.ts';
import type { TokenRole } from '@wisp/controlplane/auth/token-roles.ts';
import { parseDurationMs } from '../duration.ts';
import { parseFlags, UsageError } from '../flags.ts';

const usage =
  'usage: wisp user-token create [--role cluster-admin|edit|view] [--user NAME] [--ttl 24h] ' +
  '| list | delete ID [--data-dir DIR]';

export interface UserTokenRequest {
  readonly serverDataDir: string;
  readonly role: TokenRole;
  readonly user?: string;
  /** 0: never expires. */
  readonly ttlMs: number;
}

/** Creates a token in the server's data dir; `wisp up` calls this for its login token. */
export async function createUserToken(
  request: UserTokenRequest,
  components: { clock: Clock; random: Random },
): Promise<{ id: string; token: string }> {
  const tokens = await openTokenStore(join(request.serverDataDir, tokensFile), components);
  return tokens.create({
    user: request.user ?? `wisp-${request.role}`,
    groups: tokenRoleGroups(request.role),
    ttlMs: request.ttlMs,
  });
}

export const userTokenCommand = {
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseFlags(args, {
      'data-dir': { type: 'string', default: '.wisp/server' },
      role: { type: 'string', default: 'view' },
      user: { type: 'string' },
      ttl: { type: 'string', default: '24h' },
    });
    const [verb, id, ...extra] = positionals;
    if (extra.length) throw new UsageError(usage);
    const dataDir = resolve(values['data-dir']!);
    const components = { clock: systemClock(), random: systemRandom() };
    switch (verb) {
      case 'create': {
        const role = parseRoleFlag(values.role!);
        const ttlMs = values.ttl === '0' ? 0 : parseDurationMs(values.ttl!, 'ttl');
        const request = { serverDataDir: dataDir, role, ttlMs, user: values.user };
        const { token } = await createUserToken(request, components);
        process.stdout.write(`${token}\n`);
        return 0;
      }
      case 'list': {
        const tokens = await openTokenStore(join(dataDir, tokensFile), components);
        for (const t of tokens.list()) {
          const expires = t.expiresAt ?? 'never';
          process.stdout.write(`${t.id}\t${t.user}\t${t.groups.join(',')}\texpires=${expires}\n`);
        }
        return 0;
      }
      case 'delete': {
        if (!id) throw new UsageError(usage);
        const tokens = await openTokenStore(join(dataDir, tokensFile), components);
        if (!(await tokens.revoke(id))) throw new Error(`no user token with id "${id}"`);
        return 0;
      }
      default:
        throw new UsageError(usage);
    }
  },
};

function parseRoleFlag(value: string): TokenRole {
  try {
    return parseTokenRole(value);
  } catch (e) {
    throw new UsageError(`--${(e as Error).message}`);
  }
}
