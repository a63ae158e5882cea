/**
 * `wisp token create [--ttl 24h] [--site S] [--data-dir DIR]`: prints a join token
 * (`K10<CA hash>::<id>.<secret>`) for agents; `--ttl 0` never expires.
 * `wisp token list` shows ids, sites and expiry; `wisp token delete ID` withdraws one.
 * Works on the server's data dir, with or without the server running (it re-reads the file).
 */
import { join, resolve } from 'node:path';
import { systemClock, systemRandom } from '@wisp/core';
import { caHash, loadOrCreateCa } from '@wisp/controlplane/pki/index.ts';
import { joinTokensFile, openJoinTokenStore } from '@wisp/controlplane/join/join-tokens.ts';
import { parseDurationMs } from '../duration.ts';
import { parseFlags, UsageError } from '../flags.ts';

const usage = 'usage: wisp token create [--ttl 24h] [--site S] | list | delete ID [--data-dir DIR]';

export const tokenCommand = {
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseFlags(args, {
      'data-dir': { type: 'string', default: '.wisp/server' },
      ttl: { type: 'string', default: '24h' },
      site: { type: 'string' },
    });
    const [verb, id, ...extra] = positionals;
    if (extra.length) throw new UsageError(usage);
    const dataDir = resolve(values['data-dir']!);
    const clock = systemClock();
    const random = systemRandom();
    const ca = await loadOrCreateCa(join(dataDir, 'pki'), { clock, random, commonName: 'wisp-ca' });
    const tokens = await openJoinTokenStore(join(dataDir, joinTokensFile), {
      caHash: caHash(ca.certPem),
      clock,
      random,
    });
    switch (verb) {
      case 'create': {
        const ttlMs = values.ttl === '0' ? 0 : parseDurationMs(values.ttl!, 'ttl');
        const { token } = await tokens.create({ ttlMs, site: values.site });
        process.stdout.write(`${token}\n`);
        return 0;
      }
      case 'list':
        for (const t of tokens.list()) {
          const expires = t.expiresAt ?? 'never';
          process.stdout.write(`${t.id}\tsite=${t.site ?? '-'}\texpires=${expires}\n`);
        }
        return 0;
      case 'delete':
        if (!id) throw new UsageError(usage);
        if (!(await tokens.revoke(id))) throw new Error(`no join token with id "${id}"`);
        return 0;
      default:
        throw new UsageError(usage);
    }
  },
};
