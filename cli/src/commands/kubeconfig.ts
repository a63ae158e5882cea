/**
 * `wisp kubeconfig --data-dir DIR --user NAME [--group G ...] [--days N] [--out FILE]`: issues a
 * client certificate from the cluster CA and prints (or writes) a kubeconfig for it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemClock, systemRandom } from '@wisp/core';
import { issueClientCert, kubeconfigYaml, loadOrCreateCa } from '@wisp/controlplane/pki/index.ts';
import { intFlag, parseFlags, UsageError } from '../flags.ts';

export const kubeconfigCommand = {
  async run(args: string[]): Promise<number> {
    const { values } = parseFlags(args, {
      'data-dir': { type: 'string', default: '.wisp/server' },
      user: { type: 'string' },
      group: { type: 'string', multiple: true, default: [] },
      days: { type: 'string' },
      out: { type: 'string' },
      server: { type: 'string' },
    });
    if (!values.user) throw new UsageError('--user is required');
    const dataDir = resolve(values['data-dir']!);
    const server = values.server ?? (await serverUrl(dataDir));
    const ca = await loadOrCreateCa(join(dataDir, 'pki'), {
      clock: systemClock(),
      random: systemRandom(),
      commonName: 'wisp-ca',
    });
    const cert = await issueClientCert(ca, {
      user: values.user,
      groups: values.group ?? [],
      days: intFlag(values.days, 'days', 365),
    });
    const text = kubeconfigYaml({
      clusterName: 'wisp',
      server,
      caPem: ca.certPem,
      user: { name: values.user, ...cert },
    });
    if (values.out) await writeFile(values.out, text, { mode: 0o600 });
    else process.stdout.write(text);
    return 0;
  },
};

async function serverUrl(dataDir: string): Promise<string> {
  try {
    return (JSON.parse(await readFile(join(dataDir, 'server.json'), 'utf8')) as { url: string })
      .url;
  } catch {
    throw new UsageError(
      `no server.json in ${dataDir}: start \`wisp server\` first or pass --server`,
    );
  }
}
