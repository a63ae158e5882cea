import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Pod, Volume } from 'kubernetes-types/core/v1.js';
import { podSourcesOf } from './pod-sources.ts';
import { materialiseVolumes, mountsOf } from './volumes.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const sources = podSourcesOf(
  [{ metadata: { name: 'cfg', namespace: 'default' }, data: { 'a.txt': 'A', 'b.txt': 'B' } }],
  [
    {
      metadata: { name: 's', namespace: 'default' },
      data: { key: Buffer.from('K').toString('base64') },
    },
  ],
);

function pod(volumes: Volume[]): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'uid-p' },
    spec: {
      containers: [
        {
          name: 'app',
          volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: `/${v.name}` })),
        },
      ],
      volumes,
    },
  };
}

describe('volumes', () => {
  it('projects configMap items with their mode and secrets, and mounts them read-only', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wisp-vol-'));
    dirs.push(dataDir);
    const p = pod([
      {
        name: 'cfg',
        configMap: { name: 'cfg', items: [{ key: 'a.txt', path: 'sub/x.txt', mode: 0o600 }] },
      },
      { name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } },
      { name: 'scratch', emptyDir: {} },
    ]);
    const hostDirs = await materialiseVolumes({ dataDir, pod: p, sources, allowHostPath: false });
    const cfgDir = hostDirs.get('cfg')!;
    assert.equal(cfgDir, join(dataDir, 'pods', 'uid-p', 'volumes', 'cfg'));
    assert.equal(await readFile(join(cfgDir, 'sub/x.txt'), 'utf8'), 'A');
    assert.equal((await stat(join(cfgDir, 'sub/x.txt'))).mode & 0o777, 0o600);
    await assert.rejects(stat(join(cfgDir, 'b.txt')), 'only the listed items');
    assert.equal(await readFile(join(hostDirs.get('sec')!, 'key'), 'utf8'), 'K');
    assert.equal((await stat(join(hostDirs.get('sec')!, 'key'))).mode & 0o777, 0o400);
    const mounts = mountsOf(p, p.spec!.containers[0], hostDirs);
    assert.deepEqual(
      mounts.map((m) => [m.containerPath, m.readOnly]),
      [
        ['/cfg', true],
        ['/sec', true],
        ['/scratch', false],
      ],
    );
  });

  it('refuses hostPath unless the agent allows it, naming the flag', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wisp-vol-'));
    dirs.push(dataDir);
    const p = pod([
      { name: 'h', hostPath: { path: join(dataDir, 'host'), type: 'DirectoryOrCreate' } },
    ]);
    await assert.rejects(
      materialiseVolumes({ dataDir, pod: p, sources, allowHostPath: false }),
      /spec\.volumes\[0\]\.hostPath: Forbidden: .*--allow-host-path/,
    );
    const ok = await materialiseVolumes({ dataDir, pod: p, sources, allowHostPath: true });
    assert.equal(ok.get('h'), join(dataDir, 'host'));
  });

  it('refuses item paths that climb out of the volume', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wisp-vol-'));
    dirs.push(dataDir);
    const p = pod([
      { name: 'c', configMap: { name: 'cfg', items: [{ key: 'a.txt', path: '../../x' }] } },
    ]);
    await assert.rejects(
      materialiseVolumes({ dataDir, pod: p, sources, allowHostPath: false }),
      /items\[0\]\.path: Invalid value/,
    );
  });
});
