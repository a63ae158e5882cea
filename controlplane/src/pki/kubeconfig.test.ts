import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { kubeconfigYaml } from './kubeconfig.ts';

const caPem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('kubeconfigYaml', () => {
  it('writes a client-certificate kubeconfig kubectl can select', () => {
    const text = kubeconfigYaml({
      clusterName: 'wisp',
      server: 'https://127.0.0.1:6443',
      caPem,
      user: { name: 'admin', certPem: 'CERT', keyPem: 'KEY' },
      namespace: 'apps',
    });
    const config = parse(text, { version: '1.1' });
    assert.equal(config.kind, 'Config');
    assert.deepEqual(config.clusters, [
      {
        name: 'wisp',
        cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64(caPem) },
      },
    ]);
    assert.deepEqual(config.users, [
      {
        name: 'admin',
        user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
      },
    ]);
    assert.deepEqual(config.contexts, [
      { name: 'admin@wisp', context: { cluster: 'wisp', user: 'admin', namespace: 'apps' } },
    ]);
    assert.equal(config['current-context'], 'admin@wisp');
  });

  it('writes a token kubeconfig without a namespace', () => {
    const text = kubeconfigYaml({
      clusterName: 'wisp',
      server: 'https://[::1]:6443',
      caPem,
      user: { name: 'yes', token: '0755.true' },
    });
    const config = parse(text, { version: '1.1' });
    assert.deepEqual(config.users[0], { name: 'yes', user: { token: '0755.true' } });
    assert.deepEqual(config.contexts[0].context, { cluster: 'wisp', user: 'yes' });
  });

  it('refuses a plain-http server, since kubectl would not send credentials', () => {
    assert.throws(
      () =>
        kubeconfigYaml({
          clusterName: 'wisp',
          server: 'http://127.0.0.1:6443',
          caPem,
          user: { name: 'a', token: 't' },
        }),
      /^CertificateRequestError: server: Invalid value/,
    );
  });

  it('refuses a certificate without its key', () => {
    assert.throws(
      () =>
        kubeconfigYaml({
          clusterName: 'wisp',
          server: 'https://h',
          caPem,
          user: { name: 'a', certPem: 'C' },
        }),
      /user.keyPem: Required value/,
    );
  });
});
