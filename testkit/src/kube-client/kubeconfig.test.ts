import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKubeconfig } from './kubeconfig.ts';
import { KubeconfigError } from './errors.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const CONFIG = `
apiVersion: v1
kind: Config
clusters:
  - name: wisp
    cluster:
      server: https://127.0.0.1:6443
      certificate-authority-data: ${b64('CA PEM')}
  - name: other
    cluster:
      server: https://10.0.0.1:6443
      certificate-authority: ca.pem
users:
  - name: admin
    user:
      client-certificate-data: ${b64('CERT PEM')}
      client-key-data: ${b64('KEY PEM')}
  - name: robot
    user:
      token: abc.def
  - name: filer
    user:
      client-certificate: certs/client.pem
      client-key: certs/client.key
contexts:
  - name: admin@wisp
    context: { cluster: wisp, user: admin }
  - name: robot@other
    context: { cluster: other, user: robot, namespace: edge }
  - name: filer@other
    context: { cluster: other, user: filer }
current-context: admin@wisp
`;

describe('parseKubeconfig', () => {
  it('reads the current context with inline certificate data', () => {
    assert.deepEqual(parseKubeconfig(CONFIG), {
      server: 'https://127.0.0.1:6443',
      caPem: 'CA PEM',
      certPem: 'CERT PEM',
      keyPem: 'KEY PEM',
      token: undefined,
      namespace: undefined,
      insecureSkipTlsVerify: false,
    });
  });

  it('reads a named context with a token, a namespace and files relative to baseDir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wisp-kubeconfig-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'FILE CA');
      const robot = parseKubeconfig(CONFIG, { context: 'robot@other', baseDir: dir });
      assert.equal(robot.server, 'https://10.0.0.1:6443');
      assert.equal(robot.caPem, 'FILE CA');
      assert.equal(robot.token, 'abc.def');
      assert.equal(robot.namespace, 'edge');
      assert.throws(
        () => parseKubeconfig(CONFIG, { context: 'filer@other', baseDir: dir }),
        (e: Error) =>
          e instanceof KubeconfigError && /users\[2\]\.user\.client-certificate/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the missing field', () => {
    const cases: [string, RegExp][] = [
      ['kind: Config', /current-context: Required value/],
      ['current-context: x\ncontexts: []', /contexts: Not found: "x"/],
      [
        'current-context: x\ncontexts: [{name: x, context: {user: u}}]',
        /contexts\[0\]\.context\.cluster: Required value/,
      ],
      [
        'current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n' +
          'clusters: [{name: c, cluster: {}}]',
        /clusters\[0\]\.cluster\.server: Required value/,
      ],
      ['- a list', /must be a mapping/],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseKubeconfig(text),
        (e: Error) => e instanceof KubeconfigError && message.test(e.message),
      );
    }
  });
});
