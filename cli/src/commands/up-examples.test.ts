import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KubeClient } from '@wisp/testkit/kube-client/index.ts';
import { deployExamples, parseManifest, withImage } from './up-examples.ts';

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: hello}
spec:
  template:
    spec:
      initContainers: [{name: init, image: placeholder}]
      containers: [{name: web, image: placeholder, env: [{name: MODE, value: on}]}]
---
apiVersion: v1
kind: Service
metadata: {name: hello}
spec: {ports: [{port: 8080}]}
`;

function recordingClient(): { client: KubeClient; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const client = {
    patch: async (...args: unknown[]) => {
      calls.push(args);
      return {};
    },
  } as unknown as KubeClient;
  return { client, calls };
}

async function withExamples(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wisp-examples-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('wisp up examples', () => {
  it('reads manifests as YAML 1.1 and sets every container image', () => {
    const objs = withImage(parseManifest(manifest, 'hello'), 'file:///x.wasm@sha256:ab');
    const pod = (objs[0].spec as { template: { spec: Record<string, { image: string }[]> } })
      .template.spec;
    assert.equal(pod.containers[0].image, 'file:///x.wasm@sha256:ab');
    assert.equal(pod.initContainers[0].image, 'file:///x.wasm@sha256:ab');
    assert.deepEqual((pod.containers[0] as unknown as { env: unknown[] }).env, [
      { name: 'MODE', value: true },
    ]);
    assert.equal(objs[1].kind, 'Service');
  });

  it('server-side applies a built example and reports an unbuilt one with the reason', async () => {
    await withExamples(async (dir) => {
      for (const n of ['built', 'unbuilt']) {
        await mkdir(join(dir, n, 'dist'), { recursive: true });
        await writeFile(join(dir, n, 'k8s.yaml'), manifest);
      }
      await writeFile(join(dir, 'built', 'dist', 'image.txt'), 'file:///b.wasm@sha256:cd\n');
      const { client, calls } = recordingClient();
      const results = await deployExamples(
        { examplesDir: dir },
        { client, buildExamples: async () => Promise.reject(new Error('clang: not found')) },
      );
      assert.deepEqual(results[0], {
        name: 'built',
        applied: ['Deployment/hello', 'Service/hello'],
      });
      assert.equal(results[1].skipped, 'build failed: clang: not found');
      assert.equal(calls.length, 2);
      const [, ns, name, type, , opts] = calls[0];
      assert.deepEqual(
        [ns, name, type, opts],
        ['default', 'hello', 'apply', { fieldManager: 'wisp-up', force: true }],
      );
    });
  });

  it('says the build script is missing when nothing can build the examples', async () => {
    await withExamples(async (dir) => {
      await mkdir(join(dir, 'sensor'), { recursive: true });
      await writeFile(join(dir, 'sensor', 'k8s.yaml'), manifest);
      const { client } = recordingClient();
      const [r] = await deployExamples({ examplesDir: dir }, { client });
      assert.match(r.skipped ?? '', /scripts\/build-examples\.ts is missing/);
    });
  });
});
