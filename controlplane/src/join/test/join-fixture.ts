/**
 * A control plane's node-join parts on a MemoryStore and a FakeClock, in a temporary data dir,
 * plus agent-side keys, for the join unit tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { toBase64Url } from '@wisp/api/wire/identity.ts';
import type { JoinRequest } from '@wisp/api/wire/join.ts';
import { seededRandom } from '@wisp/core';
import { FakeClock, MemoryStore } from '@wisp/testkit';
import { loadOrCreateCa, type ClusterCa } from '../../pki/ca.ts';
import { createRegistry, type Registry } from '../../registry/registry.ts';
import { openNodeJoin, type NodeJoin } from '../node-join.ts';

export const startMs = Date.UTC(2030, 0, 1);

export interface JoinFixture {
  readonly clock: FakeClock;
  readonly ca: ClusterCa;
  readonly registry: Registry;
  readonly nodes: NodeJoin;
  close(): Promise<void>;
}

export async function joinFixture(): Promise<JoinFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wisp-join-'));
  const clock = new FakeClock({ nowMs: startMs });
  const random = seededRandom(5);
  const store = new MemoryStore();
  const pkiDir = join(dataDir, 'pki');
  const ca = await loadOrCreateCa(pkiDir, { clock, random, commonName: 'wisp-ca' });
  const registry = createRegistry({}, { store, clock, random });
  const nodes = await openNodeJoin({}, { dataDir, pkiDir, ca, store, registry, clock, random });
  return {
    clock,
    ca,
    registry,
    nodes,
    async close() {
      await nodes.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A join request for a fresh Ed25519 / X25519 key pair. */
export function joinRequest(nodeName: string, extra: Partial<JoinRequest> = {}): JoinRequest {
  const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;
  const box = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }).x!;
  return {
    nodeName,
    site: '',
    labels: {},
    ed25519PublicKey: ed,
    x25519PublicKey: box,
    ...extra,
  };
}

export { toBase64Url };
