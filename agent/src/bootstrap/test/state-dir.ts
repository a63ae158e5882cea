/** A temporary agent data dir, optionally holding the fixture node's keys and join state. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@wisp/core';
import { boxKeyFile, nodeKeyFile } from '../node-keys.ts';
import { saveNodeState } from '../node-state.ts';
import { boxKeyPem, caPem, nodeCertPem, nodeKeyPem } from './fixtures.ts';

export async function withDataDir<T>(fn: (dataDir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'wisp-agent-unit-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes what a node that joined as `edge-1` keeps under `<dataDir>/pki`. */
export async function writeJoinedNode(
  dataDir: string,
  server = 'https://127.0.0.1:1',
): Promise<void> {
  const dir = join(dataDir, 'pki');
  await writeFileAtomic(join(dir, nodeKeyFile), nodeKeyPem, 0o600);
  await writeFileAtomic(join(dir, boxKeyFile), boxKeyPem, 0o600);
  await saveNodeState(dir, {
    server,
    nodeName: 'edge-1',
    site: 'store-1',
    podCidr: '10.42.3.0/24',
    certificatePem: nodeCertPem,
    caPem,
    signingPublicKey: 'A'.repeat(43),
    signingKeyId: '0123456789abcdef',
  });
}
