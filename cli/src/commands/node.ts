/**
 * `wisp node revoke NAME [--data-dir DIR] [--server URL]`: revokes a node on the running control
 * plane. Every certificate the node holds is refused from then on, by the apiserver and by peers
 * (the revocation is broadcast), and the name cannot join again until the record is removed.
 * Authenticates with a short-lived system:masters certificate issued from the data dir's CA.
 * `wisp node revocations` lists the revoked nodes.
 */
import { request } from 'node:https';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemClock, systemRandom } from '@wisp/core';
import { revocationsPath } from '@wisp/api/wire/join.ts';
import { issueClientCert, loadOrCreateCa, parseCertificate } from '@wisp/controlplane/pki/index.ts';
import { parseFlags, UsageError } from '../flags.ts';

const usage = 'usage: wisp node revoke NAME | revocations [--data-dir DIR] [--server URL]';
const responseBytesMax = 1024 * 1024;
const requestTimeoutMs = 15_000;

export const nodeCommand = {
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseFlags(args, {
      'data-dir': { type: 'string', default: '.wisp/server' },
      server: { type: 'string' },
    });
    const [verb, name, ...extra] = positionals;
    if (extra.length || !['revoke', 'revocations'].includes(verb ?? '')) {
      throw new UsageError(usage);
    }
    if (verb === 'revoke' && !name) throw new UsageError(usage);
    const dataDir = resolve(values['data-dir']!);
    const server = values.server ?? (await serverUrl(dataDir));
    const tls = await adminTls(dataDir);
    if (verb === 'revoke') {
      await call(server, 'POST', { nodeName: name }, tls);
      process.stdout.write(`node "${name}" revoked\n`);
    } else {
      const { revocations } = (await call(server, 'GET', undefined, tls)) as {
        revocations: { nodeName: string; revokedAtMs: number }[];
      };
      for (const r of revocations) {
        process.stdout.write(`${r.nodeName}\t${new Date(r.revokedAtMs).toISOString()}\n`);
      }
    }
    return 0;
  },
};

interface Tls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

async function adminTls(dataDir: string): Promise<Tls> {
  const pkiDir = join(dataDir, 'pki');
  // Never create a CA here: a revocation against a CA of our own making would be meaningless.
  parseCertificate(await readFile(join(pkiDir, 'ca.crt'), 'utf8'), join(pkiDir, 'ca.crt'));
  const ca = await loadOrCreateCa(pkiDir, {
    clock: systemClock(),
    random: systemRandom(),
    commonName: 'wisp-ca',
  });
  const admin = await issueClientCert(ca, {
    user: 'wisp-cli',
    groups: ['system:masters'],
    days: 1,
  });
  return { ca: ca.certPem, cert: admin.certPem, key: admin.keyPem };
}

function call(server: string, method: string, body: unknown, tls: Tls): Promise<unknown> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((ok, fail) => {
    const req = request(
      server + revocationsPath,
      {
        method,
        ...tls,
        headers: { 'content-type': 'application/json' },
        agent: false,
        signal: systemClock().timeoutSignal(requestTimeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > responseBytesMax) res.destroy(new Error('answer too large'));
          else chunks.push(c);
        });
        res.on('error', fail);
        res.on('end', () => {
          const answer = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) return ok(JSON.parse(answer));
          let message = answer;
          try {
            message = (JSON.parse(answer) as { message?: string }).message ?? answer;
          } catch {
            // Not a Status: keep the text.
          }
          fail(new Error(`${method} ${revocationsPath}: ${res.statusCode}: ${message}`));
        });
      },
    );
    req.on('error', fail);
    req.end(text);
  });
}

async function serverUrl(dataDir: string): Promise<string> {
  try {
    const text = await readFile(join(dataDir, 'server.json'), 'utf8');
    return (JSON.parse(text) as { url: string }).url;
  } catch {
    throw new UsageError(`no server.json in ${dataDir}: start \`wisp server\` or pass --server`);
  }
}
