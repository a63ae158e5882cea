import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NodeStateFileError } from './errors.ts';
import { joinStateFile, loadNodeState } from './node-state.ts';
import { caPem, nodeCertPem } from './test/fixtures.ts';
import { withDataDir, writeJoinedNode } from './test/state-dir.ts';

describe('node state', () => {
  it('reads back what was saved, certificate and CA included', async () => {
    await withDataDir(async (dataDir) => {
      await writeJoinedNode(dataDir, 'https://cp:6443');
      const state = await loadNodeState(join(dataDir, 'pki'));
      assert.equal(state?.server, 'https://cp:6443');
      assert.equal(state?.certificatePem, nodeCertPem);
      assert.equal(state?.caPem, caPem);
      assert.equal(state?.podCidr, '10.42.3.0/24');
      assert.equal((await stat(join(dataDir, 'pki', joinStateFile))).mode & 0o777, 0o600);
    });
  });

  it('is absent before the first join', async () => {
    await withDataDir(async (dataDir) => {
      assert.equal(await loadNodeState(join(dataDir, 'pki')), undefined);
    });
  });

  it('refuses a damaged facts file with its path', async () => {
    await withDataDir(async (dataDir) => {
      await writeJoinedNode(dataDir);
      const path = join(dataDir, 'pki', joinStateFile);
      await writeFile(path, '{"nodeName": "edge-1"}');
      await assert.rejects(
        loadNodeState(join(dataDir, 'pki')),
        (e: unknown) => e instanceof NodeStateFileError && e.path === path,
      );
    });
  });
});
