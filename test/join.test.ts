/**
 * Node identity end to end: real agents' bootstrap code against a real control plane over HTTPS
 * on loopback. Joining, re-joining, CA pinning before the token leaves the agent, expired tokens,
 * expired and revoked node certificates, rotation, and the node authorizer on the REST path.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerIdFromPrivateKey, peerIdFromPublicKey } from '@libp2p/peer-id';
import { privateKeyFromRaw, publicKeyFromRaw } from '@libp2p/crypto/keys';
import { findResource } from '@wisp/api';
import type { KubeObject } from '@wisp/api';
import { parseNodeIdentity, toBase64Url } from '@wisp/api/wire/identity.ts';
import { formatJoinToken, parseJoinToken } from '@wisp/api/wire/join.ts';
import { seededRandom } from '@wisp/core';
import { FakeClock } from '@wisp/testkit';
import {
  bootstrapNode,
  JoinRefusedError,
  NodeNotJoinedError,
  renewNodeCertificate,
  ServerCaMismatchError,
} from '@wisp/agent/bootstrap/index.ts';
import type { NodeCredentials } from '@wisp/agent/bootstrap/index.ts';
import { issueNodeCertificate } from '@wisp/controlplane/pki/node-cert.ts';
import {
  createKubeClient,
  KubeForbiddenError,
  KubeUnauthorizedError,
} from '@wisp/testkit/kube-client/index.ts';
import type { KubeClient } from '@wisp/testkit/kube-client/index.ts';
import { nodeCommand } from '@wisp/cli/commands/node.ts';
import { tokenCommand } from '@wisp/cli/commands/token.ts';
import { startInProcessServer } from './helpers/in-process-server.ts';
import type { InProcessServer } from './helpers/in-process-server.ts';

const NODES = findResource('', 'nodes')!;
const PODS = findResource('', 'pods')!;
const SECRETS = findResource('', 'secrets')!;
const LEASES = findResource('coordination.k8s.io', 'leases')!;

let seed = 100;
const dirs: string[] = [];
const clients: KubeClient[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wisp-agent-'));
  dirs.push(d);
  return d;
}

function join_(s: InProcessServer, nodeName: string, token?: string, dataDir = tempDir()) {
  return bootstrapNode(
    { server: s.cp.url(), nodeName, ...(token ? { token } : {}), labels: { tier: 'edge' } },
    { dataDir, clock: s.clock, random: seededRandom(seed++) },
  );
}

function nodeClient(s: InProcessServer, creds: NodeCredentials): KubeClient {
  const c = createKubeClient({
    server: s.cp.url(),
    caPem: creds.state.caPem,
    certPem: creds.state.certificatePem,
    keyPem: creds.keys.ed25519KeyPem,
  });
  clients.push(c);
  return c;
}

async function newToken(s: InProcessServer, request: { ttlMs?: number; site?: string } = {}) {
  return (await s.cp.nodeJoin().tokens.create(request)).token;
}

const stats = (s: InProcessServer) => s.cp.nodeJoin().joins.stats();

after(() => {
  for (const c of clients) c.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('joining', () => {
  let s: InProcessServer;
  before(async () => (s = await startInProcessServer({ seed: 7 })));
  after(() => s.stop());

  it('joins with a token and gets a node certificate, pod CIDR, CA and signing key', async () => {
    const token = await newToken(s, { site: 'store-42' });
    const creds = await join_(s, 'edge-a', token);
    const id = parseNodeIdentity(creds.state.certificatePem);
    assert.equal(id.nodeName, 'edge-a');
    assert.equal(id.site, 'store-42');
    assert.match(id.podCidr, /^10\.42\.\d+\.0\/24$/);
    assert.equal(creds.state.podCidr, id.podCidr);
    assert.equal(creds.state.caPem, s.cp.ca().certPem);
    assert.equal(creds.state.signingPublicKey, toBase64Url(s.cp.nodeJoin().signingKey.publicKey));
    // The peer id in the certificate is the one libp2p derives from the node's key.
    const libp2pId = peerIdFromPublicKey(publicKeyFromRaw(creds.keys.ed25519PublicKey)).toString();
    assert.equal(id.peerId, libp2pId);
    const libp2pKey = privateKeyFromRaw(creds.keys.ed25519SecretKey);
    assert.equal(peerIdFromPrivateKey(libp2pKey).toString(), libp2pId);
    const node = await s.client.get(NODES, undefined, 'edge-a');
    assert.equal(node.metadata.labels?.['topology.kubernetes.io/zone'], 'store-42');
    assert.equal(node.metadata.labels?.tier, 'edge');
    assert.equal((node as { spec?: { podCIDR?: string } }).spec?.podCIDR, id.podCidr);
  });

  it('joins with a token printed by `wisp token create` while the server runs', async () => {
    const printed = await stdoutOf(() =>
      tokenCommand.run(['create', '--ttl', '1h', '--site', 'store-7', '--data-dir', s.dataDir]),
    );
    const creds = await join_(s, 'edge-t', printed.trim());
    assert.equal(creds.state.site, 'store-7');
  });

  it('restarts from its data dir without the token and without asking the server', async () => {
    const dataDir = tempDir();
    const first = await join_(s, 'edge-b', await newToken(s), dataDir);
    const before = stats(s).joinAttempts;
    const again = await join_(s, 'edge-b', undefined, dataDir);
    assert.equal(again.state.certificatePem, first.state.certificatePem);
    assert.equal(again.keys.peerId, first.keys.peerId);
    assert.equal(stats(s).joinAttempts, before);
  });

  it('keeps the pod CIDR when a re-flashed device joins again under its name', async () => {
    const token = await newToken(s);
    const first = await join_(s, 'edge-c', token);
    const reflashed = await join_(s, 'edge-c', token);
    assert.notEqual(reflashed.keys.peerId, first.keys.peerId);
    assert.equal(reflashed.state.podCidr, first.state.podCidr);
    const other = await join_(s, 'edge-d', token);
    assert.notEqual(other.state.podCidr, first.state.podCidr);
  });

  it('aborts before sending the token when the server CA does not match the token', async () => {
    // A valid credential for this very server, pinned to another CA: had the agent sent it, the
    // join would have succeeded.
    const good = parseJoinToken(await newToken(s));
    const token = formatJoinToken('0f'.repeat(32), good.credential);
    const dataDir = tempDir();
    const before = stats(s).joinAttempts;
    await assert.rejects(join_(s, 'edge-e', token, dataDir), ServerCaMismatchError);
    assert.equal(stats(s).joinAttempts, before, 'the server never saw a join request');
    await assert.rejects(access(join(dataDir, 'pki', 'node.crt')));
    await assert.rejects(s.client.get(NODES, undefined, 'edge-e'));
  });

  it('refuses an expired join token', async () => {
    const token = await newToken(s, { ttlMs: 60_000 });
    s.clock.advance(60_001);
    const before = stats(s).joinAttempts;
    await assert.rejects(
      join_(s, 'edge-f', token),
      (e: unknown) => e instanceof JoinRefusedError && e.httpStatus === 401,
    );
    assert.equal(stats(s).joinAttempts, before + 1);
  });

  it('refuses a site other than the one the token is bound to', async () => {
    const token = await newToken(s, { site: 'store-1' });
    await assert.rejects(
      bootstrapNode(
        { server: s.cp.url(), nodeName: 'edge-g', token, site: 'store-2' },
        { dataDir: tempDir(), clock: s.clock, random: seededRandom(seed++) },
      ),
      (e: unknown) => e instanceof JoinRefusedError && e.httpStatus === 403,
    );
  });

  it('renews its certificate with the certificate alone, keeping key and pod CIDR', async () => {
    const creds = await join_(s, 'edge-h', await newToken(s));
    s.clock.advance(10_000);
    const renewed = await renewNodeCertificate(creds, { clock: s.clock });
    const before = parseNodeIdentity(creds.state.certificatePem);
    const after = parseNodeIdentity(renewed.state.certificatePem);
    assert.notEqual(after.serialNumber, before.serialNumber);
    assert.ok(after.notAfterMs > before.notAfterMs);
    assert.equal(after.peerId, before.peerId);
    assert.equal(after.podCidr, before.podCidr);
    const restarted = await join_(s, 'edge-h', undefined, join(creds.dir, '..'));
    assert.equal(restarted.state.certificatePem, renewed.state.certificatePem);
  });
});

describe('node certificates on the apiserver', () => {
  let s: InProcessServer;
  before(async () => (s = await startInProcessServer({ seed: 8 })));
  after(() => s.stop());

  it('refuses a revoked node: REST, renewal and joining again', async () => {
    const token = await newToken(s);
    const creds = await join_(s, 'edge-r', token);
    const client = nodeClient(s, creds);
    await client.get(NODES, undefined, 'edge-r');
    const said = await stdoutOf(() =>
      nodeCommand.run(['revoke', 'edge-r', '--data-dir', s.dataDir, '--server', s.cp.url()]),
    );
    assert.equal(said, 'node "edge-r" revoked\n');
    await assert.rejects(client.get(NODES, undefined, 'edge-r'), KubeUnauthorizedError);
    await assert.rejects(
      renewNodeCertificate(creds, { clock: s.clock }),
      (e: unknown) => e instanceof JoinRefusedError && e.httpStatus === 401,
    );
    await assert.rejects(
      join_(s, 'edge-r', token),
      (e: unknown) => e instanceof JoinRefusedError && e.httpStatus === 403,
    );
  });

  it('refuses a certificate that expired before now', async () => {
    const creds = await join_(s, 'edge-x', await newToken(s));
    const id = parseNodeIdentity(creds.state.certificatePem);
    const past = { ...s.cp.ca(), clock: new FakeClock({ nowMs: s.clock.now() - 3_600_000 }) };
    const expired = await issueNodeCertificate(past, {
      nodeName: 'edge-x',
      ed25519PublicKey: id.ed25519PublicKey,
      x25519PublicKey: id.x25519PublicKey,
      podCidr: id.podCidr,
      site: '',
      validityMs: 60_000,
    });
    const client = nodeClient(s, { ...creds, state: { ...creds.state, certificatePem: expired } });
    await assert.rejects(client.get(NODES, undefined, 'edge-x'), KubeUnauthorizedError);
  });

  it('refuses a certificate that has expired by the control plane clock', async () => {
    const s2 = await startInProcessServer({ seed: 9, nowMs: Date.now() });
    try {
      const token = await newToken(s2);
      const dataDir = tempDir();
      const creds = await join_(s2, 'edge-y', token, dataDir);
      const client = nodeClient(s2, creds);
      await client.get(NODES, undefined, 'edge-y');
      s2.clock.advance(91 * 24 * 3600_000);
      await assert.rejects(client.get(NODES, undefined, 'edge-y'), KubeUnauthorizedError);
      // Without a token, an agent whose certificate ran out cannot start.
      await assert.rejects(join_(s2, 'edge-y', undefined, dataDir), NodeNotJoinedError);
    } finally {
      await s2.stop();
    }
  });
});

describe('node authorizer on the REST path', () => {
  let s: InProcessServer;
  let a: KubeClient;
  before(async () => {
    s = await startInProcessServer({ seed: 10 });
    const token = await newToken(s);
    a = nodeClient(s, await join_(s, 'node-a', token));
    await join_(s, 'node-b', token);
    await s.client.create(SECRETS, 'default', secret('for-a'));
    await s.client.create(SECRETS, 'default', secret('for-b'));
    await s.client.create(PODS, 'default', pod('pa', 'node-a', 'for-a'));
    await s.client.create(PODS, 'default', pod('pb', 'node-b', 'for-b'));
  });
  after(() => s.stop());

  it("refuses node A's credentials on node B's pod status and allows its own", async () => {
    const running = { status: { phase: 'Running' } };
    await assert.rejects(
      a.patch(PODS, 'default', 'pb', 'merge', running, { subresource: 'status' }),
      KubeForbiddenError,
    );
    const own = await a.patch(PODS, 'default', 'pa', 'merge', running, { subresource: 'status' });
    assert.equal((own as { status?: { phase?: string } }).status?.phase, 'Running');
  });

  it('lets a node read only the secrets its own pods use', async () => {
    await a.get(SECRETS, 'default', 'for-a');
    await assert.rejects(a.get(SECRETS, 'default', 'for-b'), KubeForbiddenError);
    await assert.rejects(a.list(SECRETS, 'default'), KubeForbiddenError);
  });

  it('lets a node write its own Node and Lease but not another node', async () => {
    const patch = { metadata: { labels: { healthy: 'yes' } } };
    await a.patch(NODES, undefined, 'node-a', 'merge', patch);
    await assert.rejects(a.patch(NODES, undefined, 'node-b', 'merge', patch), KubeForbiddenError);
    await a.create(LEASES, 'kube-node-lease', lease('node-a'));
    await assert.rejects(a.create(LEASES, 'kube-node-lease', lease('node-b')), KubeForbiddenError);
    await assert.rejects(
      a.patch(NODES, undefined, 'node-a', 'merge', { spec: { podCIDR: '10.42.200.0/24' } }),
      KubeForbiddenError,
    );
  });

  it('does not let a node create pods or delete its Node', async () => {
    await assert.rejects(a.create(PODS, 'default', pod('px', 'node-a')), KubeForbiddenError);
    await assert.rejects(a.delete(NODES, undefined, 'node-a'), KubeForbiddenError);
  });
});

/** What a CLI command prints; the test runner's own (binary) messages pass through. */
async function stdoutOf(run: () => Promise<number>): Promise<string> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== 'string') return write(chunk, ...rest);
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    assert.equal(await run(), 0);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

function secret(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    stringData: { k: 'v' },
  } as KubeObject;
}

function pod(name: string, nodeName: string, secretName?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeName,
      containers: [
        {
          name: 'app',
          image: 'registry.local/app:1',
          ...(secretName
            ? { env: [{ name: 'K', valueFrom: { secretKeyRef: { name: secretName, key: 'k' } } }] }
            : {}),
        },
      ],
    },
  } as KubeObject;
}

function lease(name: string): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name },
    spec: { holderIdentity: name, leaseDurationSeconds: 40 },
  } as KubeObject;
}
