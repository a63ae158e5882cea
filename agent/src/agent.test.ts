import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { seededRandom } from '@wisp/core';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { FakeRuntime } from '@wisp/testkit/fake-runtime.ts';
import { MemoryNetwork } from '@wisp/testkit/memory-gossip.ts';
import { createAgent } from './agent.ts';
import type { NodeCredentials } from './bootstrap/bootstrap.ts';
import { renewAtMs } from './bootstrap/rotation.ts';
import { nodeCertPem, renewedCertPem } from './bootstrap/test/fixtures.ts';

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const creds = (certificatePem: string) =>
  ({ dir: '/nowhere', keys: {}, state: { certificatePem } }) as unknown as NodeCredentials;
const hourMs = 3600 * 1000;
const rotationSeed = 11;

describe('createAgent', () => {
  it('renews its certificate when due and hands the new one to the gossip node', async () => {
    // The rotator's first draw picks the renewal time; start the clock an hour before it so
    // the agent's periodic work stays a few hundred timer firings.
    const dueMs = renewAtMs(nodeCertPem, seededRandom(rotationSeed));
    const clock = new FakeClock({ nowMs: dueMs - hourMs });
    const net = new MemoryNetwork({}, { clock, random: seededRandom(3) });
    const gossip = net.node({
      allowedTopics: [],
      allowedTopicPrefixes: ['/wisp/site/'],
      peerId: 'n1',
    });
    await gossip.start();
    const dataDir = await mkdtemp(join(tmpdir(), 'wisp-agent-'));
    dirs.push(dataDir);
    const shown: string[] = [];
    const renewedAt: number[] = [];
    const agent = createAgent(
      {
        nodeName: 'n1',
        site: 'store-1',
        podCidr: '10.42.1.0/24',
        dataDir,
        serverPeerId: 'server',
        hostname: 'n1',
        signing: { keyId: 'cp', publicKey: new Uint8Array(32) },
      },
      {
        gossip,
        runtime: new FakeRuntime({ clock }),
        clock,
        nodeKey: { keyId: 'n1', secretKey: nacl.sign.keyPair().secretKey },
        x25519SecretKey: new Uint8Array(32),
        certificates: {
          credentials: creds(nodeCertPem),
          random: seededRandom(rotationSeed),
          setCertificate: (pem) => shown.push(pem),
          renew: async () => {
            renewedAt.push(clock.now());
            return creds(renewedCertPem);
          },
        },
        onError: () => {},
      },
    );
    await agent.start();
    assert.equal(agent.rotator?.nextRenewalAtMs(), dueMs);

    await clock.advanceAsync(hourMs - 1);
    assert.deepEqual(shown, []);
    await clock.advanceAsync(1);
    assert.deepEqual(renewedAt, [dueMs]);
    assert.deepEqual(shown, [renewedCertPem]);
    assert.equal(agent.rotator?.current().state.certificatePem, renewedCertPem);

    await agent.stop();
    await gossip.stop();
  });

  it('runs without rotation when no certificates are given', () => {
    const clock = new FakeClock();
    const gossip = new MemoryNetwork({}, { clock, random: seededRandom(3) }).node({
      allowedTopics: [],
    });
    const agent = createAgent(
      {
        nodeName: 'n1',
        site: '',
        podCidr: '10.42.1.0/24',
        dataDir: '/nowhere',
        serverPeerId: 'server',
        signing: { keyId: 'cp', publicKey: new Uint8Array(32) },
      },
      {
        gossip,
        runtime: new FakeRuntime({ clock }),
        clock,
        nodeKey: { keyId: 'n1', secretKey: new Uint8Array(64) },
        x25519SecretKey: new Uint8Array(32),
      },
    );
    assert.equal(agent.rotator, undefined);
  });
});
