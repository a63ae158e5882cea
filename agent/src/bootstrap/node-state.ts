/**
 * What a joined node keeps under its data dir besides its keys: its certificate, the cluster CA,
 * and the facts of its join (name, site, pod CIDR, the distributor's signing key). Written after
 * every join and renewal; read on every start so a restart needs no token and no server.
 *
 *   await saveNodeState(pkiDir, state);
 *   const state = await loadNodeState(pkiDir); // undefined before the first join
 */
import { join } from 'node:path';
import { validateJoinResponse } from '@wisp/api/wire/join.ts';
import type { JoinResponse } from '@wisp/api/wire/join.ts';
import { NodeStateFileError } from './errors.ts';
import { privateFileMode, publicFileMode, readIfExists, writeFileAtomic } from '@wisp/core';

export const nodeCertFile = 'node.crt';
export const caCertFile = 'ca.crt';
export const joinStateFile = 'join.json';

export interface NodeState extends JoinResponse {
  /** The server the node joined, for renewals. */
  readonly server: string;
}

export async function loadNodeState(dir: string): Promise<NodeState | undefined> {
  const [cert, ca, facts] = await Promise.all(
    [nodeCertFile, caCertFile, joinStateFile].map((f) => readIfExists(join(dir, f))),
  );
  if (cert === undefined || ca === undefined || facts === undefined) return undefined;
  const path = join(dir, joinStateFile);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(facts) as Record<string, unknown>;
  } catch (cause) {
    throw new NodeStateFileError(path, 'not JSON', { cause });
  }
  try {
    const response = validateJoinResponse({ ...doc, certificatePem: cert, caPem: ca });
    if (typeof doc.server !== 'string') throw new Error('server: Required value');
    return { ...response, server: doc.server };
  } catch (cause) {
    throw new NodeStateFileError(path, (cause as Error).message, { cause });
  }
}

export async function saveNodeState(dir: string, state: NodeState): Promise<void> {
  const { certificatePem, caPem, ...facts } = state;
  // The facts file lands last: a state without it reads as "not joined" rather than half-joined.
  await writeFileAtomic(join(dir, caCertFile), caPem, publicFileMode);
  await writeFileAtomic(join(dir, nodeCertFile), certificatePem, publicFileMode);
  await writeFileAtomic(
    join(dir, joinStateFile),
    `${JSON.stringify(facts, null, 2)}\n`,
    privateFileMode,
  );
}
