/**
 * Agent bootstrap (DESIGN §5): keys, then credentials. A node that joined before starts from what
 * it kept under `--data-dir` (no token, no server needed); otherwise it fetches the server's CA,
 * checks it against the hash in the join token BEFORE sending the token, and joins over TLS
 * pinned to that CA.
 *
 *   const creds = await bootstrapNode(config, { dataDir, clock, random });
 *   creds.state.podCidr; creds.keys.peerId; creds.state.signingPublicKey;
 */
import { join } from 'node:path';
import { parseNodeIdentity, toBase64Url } from '@wisp/api/wire/identity.ts';
import { caCertificateHash, parseJoinToken } from '@wisp/api/wire/join.ts';
import type { JoinResponse } from '@wisp/api/wire/join.ts';
import type { Clock, Random } from '@wisp/core';
import { JoinResponseError, NodeNotJoinedError } from './errors.ts';
import { fetchPinnedCa, requestJoin } from './join-client.ts';
import type { JoinConfig } from './join-config.ts';
import { loadOrCreateNodeKeys, type NodeKeys } from './node-keys.ts';
import { loadNodeState, saveNodeState, type NodeState } from './node-state.ts';

export const pkiDirName = 'pki';

export interface NodeCredentials {
  readonly keys: NodeKeys;
  readonly state: NodeState;
  /** Where keys and state live: `<dataDir>/pki`. */
  readonly dir: string;
}

export interface BootstrapComponents {
  readonly dataDir: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly timeoutMs?: number;
}

export async function bootstrapNode(
  config: JoinConfig,
  c: BootstrapComponents,
): Promise<NodeCredentials> {
  const dir = join(c.dataDir, pkiDirName);
  const keys = await loadOrCreateNodeKeys(dir, c);
  const stored = await loadNodeState(dir);
  if (stored && stillUsable(stored, config, keys, c.clock)) return { keys, state: stored, dir };
  if (!config.token) {
    throw new NodeNotJoinedError(
      stored
        ? `${dir}: the kept node certificate has expired or is for another node or key; ` +
            'a join token is needed'
        : `${dir}: this node has not joined yet; a join token is needed`,
    );
  }
  const token = parseJoinToken(config.token);
  const caPem = await fetchPinnedCa(config.server, token.caHash, c);
  const response = await requestJoin(
    config.server,
    caPem,
    config.token,
    {
      nodeName: config.nodeName,
      site: config.site ?? '',
      labels: config.labels ?? {},
      ed25519PublicKey: toBase64Url(keys.ed25519PublicKey),
      x25519PublicKey: toBase64Url(keys.x25519PublicKey),
    },
    c,
  );
  checkIssuedToUs(response, caPem, keys, config.nodeName);
  const state: NodeState = { ...response, server: config.server };
  await saveNodeState(dir, state);
  return { keys, state, dir };
}

/**
 * Kept credentials serve while their certificate is valid, for this node name and keys, and (when
 * a token is given) for the cluster the token pins: a new token for another cluster re-joins.
 */
function stillUsable(state: NodeState, config: JoinConfig, keys: NodeKeys, clock: Clock): boolean {
  let id;
  try {
    id = parseNodeIdentity(state.certificatePem);
  } catch {
    return false;
  }
  if (id.nodeName !== config.nodeName || id.peerId !== keys.peerId) return false;
  // Secrets are sealed to the certified X25519 key: a lost box key needs a new certificate.
  if (!Buffer.from(id.x25519PublicKey).equals(Buffer.from(keys.x25519PublicKey))) return false;
  if (clock.now() > id.notAfterMs) return false;
  if (config.token && parseJoinToken(config.token).caHash !== caCertificateHash(state.caPem)) {
    return false;
  }
  return true;
}

/** The answer must certify our key, under our name, from the CA we pinned. */
export function checkIssuedToUs(
  response: JoinResponse,
  caPem: string,
  keys: NodeKeys,
  nodeName: string,
): void {
  if (caCertificateHash(response.caPem) !== caCertificateHash(caPem)) {
    throw new JoinResponseError('join: the server answered with another CA than the pinned one');
  }
  let id;
  try {
    id = parseNodeIdentity(response.certificatePem);
  } catch (cause) {
    throw new JoinResponseError(`join: certificatePem: ${(cause as Error).message}`, { cause });
  }
  if (id.peerId !== keys.peerId || id.nodeName !== nodeName || response.nodeName !== nodeName) {
    throw new JoinResponseError(`join: the certificate is not for node "${nodeName}" and its key`);
  }
}
