import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '@wisp/core';
import { FakeClock } from '@wisp/testkit';
import { bootstrapNode } from './bootstrap.ts';
import { NodeNotJoinedError, ServerUnreachableError } from './errors.ts';
import { fixtureLifetimeMs, fixtureStartMs, nodeCertPem } from './test/fixtures.ts';
import { withDataDir, writeJoinedNode } from './test/state-dir.ts';

const token = `K10${'ab'.repeat(32)}::abc123.${'x'.repeat(32)}`;
// Nothing listens on port 1: a bootstrap that tries the network fails fast.
const server = 'https://127.0.0.1:1';

describe('bootstrapNode', () => {
  it('starts from kept credentials without a token and without the server', async () => {
    await withDataDir(async (dataDir) => {
      await writeJoinedNode(dataDir);
      const clock = new FakeClock({ nowMs: fixtureStartMs });
      const creds = await bootstrapNode(
        { server, nodeName: 'edge-1' },
        { dataDir, clock, random: seededRandom(1) },
      );
      assert.equal(creds.state.certificatePem, nodeCertPem);
      assert.equal(creds.state.podCidr, '10.42.3.0/24');
    });
  });

  it('asks for a token when the node never joined, before touching the network', async () => {
    await withDataDir(async (dataDir) => {
      await assert.rejects(
        bootstrapNode(
          { server, nodeName: 'edge-1' },
          { dataDir, clock: new FakeClock(), random: seededRandom(1) },
        ),
        /has not joined yet; a join token is needed/,
      );
    });
  });

  it('asks for a token when the kept certificate has expired', async () => {
    await withDataDir(async (dataDir) => {
      await writeJoinedNode(dataDir);
      const clock = new FakeClock({ nowMs: fixtureStartMs + fixtureLifetimeMs });
      await assert.rejects(
        bootstrapNode({ server, nodeName: 'edge-1' }, { dataDir, clock, random: seededRandom(1) }),
        NodeNotJoinedError,
      );
    });
  });

  it('joins again when the kept certificate is for another node name', async () => {
    await withDataDir(async (dataDir) => {
      await writeJoinedNode(dataDir);
      const clock = new FakeClock({ nowMs: fixtureStartMs });
      await assert.rejects(
        bootstrapNode(
          { server, nodeName: 'edge-2', token },
          { dataDir, clock, random: seededRandom(1), timeoutMs: 5000 },
        ),
        ServerUnreachableError,
      );
    });
  });
});
