import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { expandCommand, resolveEnv, type EnvContext } from './env-resolve.ts';
import { podSourcesOf } from './pod-sources.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const pod: Pod = {
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', labels: { app: 'web', tier: 'a' } },
  spec: { nodeName: 'edge-1', containers: [] },
};
const ctx: EnvContext = {
  pod,
  podIp: '10.42.1.5',
  hostIp: '192.168.1.2',
  nodeName: 'edge-1',
  sources: podSourcesOf(
    [{ metadata: { name: 'cfg', namespace: 'shop' }, data: { MODE: 'fast', 'bad key': 'x' } }],
    [{ metadata: { name: 'creds', namespace: 'shop' }, data: { TOKEN: b64('s3cret') } }],
  ),
};
const asMap = (c: Container) =>
  Object.fromEntries(resolveEnv(ctx, c).map((e) => [e.name, e.value]));

describe('resolveEnv', () => {
  it('takes values from ConfigMap and Secret keys and the downward API', () => {
    const env = asMap({
      name: 'app',
      env: [
        { name: 'M', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'MODE' } } },
        { name: 'T', valueFrom: { secretKeyRef: { name: 'creds', key: 'TOKEN' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      ],
    });
    assert.deepEqual(env, {
      M: 'fast',
      T: 's3cret',
      POD: 'web-1',
      NS: 'shop',
      IP: '10.42.1.5',
      NODE: 'edge-1',
      APP: 'web',
    });
  });

  it('expands $(VAR) against earlier variables only, envFrom first with its prefix', () => {
    const env = asMap({
      name: 'app',
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
      env: [
        { name: 'URL', value: 'http://$(IP):80/$(CFG_MODE)/$(LATER)' },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'LATER', value: 'x' },
      ],
    });
    assert.equal(env.URL, 'http://$(IP):80/fast/$(LATER)');
    assert.equal(env.CFG_MODE, 'fast');
    assert.ok(!('CFG_bad key' in env), 'invalid names are skipped');
  });

  it('fails with the kubelet message for a missing key, and skips optional ones', () => {
    const missing = {
      name: 'app',
      env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'NOPE' } } }],
    };
    assert.throws(() => resolveEnv(ctx, missing), /couldn't find key NOPE in ConfigMap shop\/cfg/);
    const gone = { name: 'app', envFrom: [{ secretRef: { name: 'gone' } }] };
    assert.throws(() => resolveEnv(ctx, gone), /secret "gone" not found/);
    const optional = {
      name: 'app',
      env: [
        { name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'K', optional: true } } },
      ],
    };
    assert.deepEqual(resolveEnv(ctx, optional), []);
  });

  it('expands command and args against the resolved env', () => {
    const c = expandCommand({ name: 'a', command: ['run', '$(M)'], args: ['$$(M)'] }, [
      { name: 'M', value: 'fast' },
    ]);
    assert.deepEqual([c.command, c.args], [['run', 'fast'], ['$(M)']]);
  });
});
