/**
 * The libp2p adapters for real, on what changes after a node starts: a site topic first used
 * after the control plane started (allowed by prefix) is served, validated and scored; and an
 * agent that renewed its certificate shows the new one to new peers without dropping old ones.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import nacl from 'tweetnacl';
import { clusterTopic, siteTopic } from '@wisp/api/wire/messages.ts';
import { createAgentGossip, type AgentGossip } from '@wisp/agent/p2p/libp2p-adapter.ts';
import { createControlPlaneGossip } from '@wisp/controlplane/p2p/libp2p-adapter.ts';
import { loadOrCreateCa, type ClusterCa } from '@wisp/controlplane/pki/index.ts';
import { issueNodeCertificate } from '@wisp/controlplane/pki/node-cert.ts';
import { createNodeTrust } from '@wisp/controlplane/pki/node-trust.ts';
import { seededRandom, systemClock, type NetworkGossip, type VerifyPeer } from '@wisp/core';
import { bytes, Recorder, warmUp } from '@wisp/testkit/gossip-conformance-helpers.ts';

const clock = systemClock();
const random = seededRandom(47);
const loopback = ['/ip4/127.0.0.1/tcp/0'];
const heartbeatIntervalMs = 100;
const sitePrefix = '/wisp/site/';
const realTime = { pass: (ms: number) => sleep(ms) };

let ca: ClusterCa;
let caDir: string;
let trusted: VerifyPeer;
const running: NetworkGossip[] = [];

before(async () => {
  caDir = mkdtempSync(join(tmpdir(), 'wisp-p2p-rot-'));
  ca = await loadOrCreateCa(caDir, { clock, random, commonName: 'wisp-ca' });
  const trust = createNodeTrust(
    { caPem: ca.certPem },
    { clock, revocations: { isRevoked: () => false } },
  );
  trusted = (certPem, peerId) => trust.isCertificateTrusted(certPem, peerId);
});

after(async () => {
  await Promise.all(running.map((n) => n.stop()));
  rmSync(caDir, { recursive: true, force: true });
});

let nodeCount = 0;

async function certificateFor(nodeKey: Uint8Array, nodeName: string): Promise<string> {
  return issueNodeCertificate(ca, {
    nodeName,
    ed25519PublicKey: nacl.sign.keyPair.fromSeed(nodeKey).publicKey,
    x25519PublicKey: random.bytes(32),
    podCidr: `10.43.${++nodeCount}.0/24`,
    site: 'lab',
  });
}

async function start<T extends NetworkGossip>(node: T): Promise<T> {
  await node.start();
  running.push(node);
  return node;
}

async function agentNode(verifyPeer: VerifyPeer = trusted, nodeKey = random.bytes(32)) {
  const certPem = await certificateFor(nodeKey, `agent-${nodeCount + 1}`);
  const init = {
    nodeKey,
    certPem,
    allowedTopics: [clusterTopic],
    allowedTopicPrefixes: [sitePrefix],
    listen: loopback,
    heartbeatIntervalMs,
  };
  return start(createAgentGossip(init, { clock, random, verifyPeer }));
}

async function eventually(condition: () => boolean, withinMs: number, what: string) {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > withinMs) assert.fail(`${what}: not within ${withinMs} ms`);
    await sleep(20);
  }
}

async function connect(a: NetworkGossip, b: NetworkGossip): Promise<void> {
  await a.dial(b.addresses()[0]!);
  const both = () => a.peers().includes(b.peerId) && b.peers().includes(a.peerId);
  await eventually(both, 5000, 'admission both ways');
}

describe('site topics allowed by prefix over libp2p', { timeout: 30_000 }, () => {
  it('serves, validates and scores a site first used after the control plane started', async () => {
    const nodeKey = random.bytes(32);
    const server = await start(
      createControlPlaneGossip(
        {
          nodeKey,
          certPem: await certificateFor(nodeKey, 'server'),
          allowedTopics: [clusterTopic],
          allowedTopicPrefixes: [sitePrefix],
          listen: loopback,
          heartbeatIntervalMs,
        },
        { clock, random, verifyPeer: trusted },
      ),
    );
    const agent = await agentNode();
    await connect(agent, server);
    const topic = siteTopic('store-opened-later');
    const recorder = new Recorder(agent, topic);
    await warmUp(realTime, server, topic, [recorder]);
    await server.publish(topic, bytes('desired r1'));
    await eventually(() => recorder.texts().includes('desired r1'), 5000, 'delivery');

    // Validators and score weights reach the new topic too: a refused message costs its sender.
    agent.setValidator(topic, (data) => (data[0] === 0x21 ? 'reject' : 'accept'));
    await server.publish(topic, bytes('!forged'));
    await eventually(() => (agent.peerScore(server.peerId) ?? 0) < 0, 5000, 'penalty');
    assert.equal(recorder.texts().includes('!forged'), false);
    assert.throws(() => server.subscribe('/wisp/other/1'), { code: 'ERR_FORBIDDEN' });
  });
});

describe('certificate renewal in the agent gossip node', { timeout: 30_000 }, () => {
  it('shows the renewed certificate to new peers and keeps admitted ones', async () => {
    const nodeKey = random.bytes(32);
    const renewing = (await agentNode(trusted, nodeKey)) as AgentGossip;
    const old = await agentNode();
    await connect(old, renewing);

    const renewed = await certificateFor(nodeKey, 'renewed');
    renewing.setCertificate(renewed);
    const seen: string[] = [];
    const newcomer = await agentNode((certPem, peerId) => {
      if (peerId === renewing.peerId) seen.push(certPem);
      return trusted(certPem, peerId);
    });
    await connect(newcomer, renewing);
    assert.deepEqual(seen, [renewed]);
    assert.ok(old.peers().includes(renewing.peerId), 'the admitted peer stays connected');
    assert.ok(renewing.peers().includes(old.peerId));
  });
});
