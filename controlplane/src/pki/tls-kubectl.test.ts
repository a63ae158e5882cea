/**
 * The real kubectl and curl against a Node HTTPS server whose P-256 serving certificate comes
 * from our CA, authenticating with a P-256 client certificate and with a bearer token. This is
 * what proves Go's TLS stack (kubectl) and curl accept the certificates we issue.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { seededRandom, systemClock } from '@wisp/core';
import { authRequestOf, createAuthenticator } from '../auth/authn.ts';
import { unauthorizedStatus } from '../auth/auth-status.ts';
import { openTokenStore } from '../auth/tokens.ts';
import type { UserInfo } from '../auth/user-info.ts';
import { loadOrCreateCa } from './ca.ts';
import { issueClientCert } from './issue.ts';
import { kubeconfigYaml } from './kubeconfig.ts';
import { loadOrCreateServingCert } from './serving-cert.ts';

const run = promisify(execFile);
const toolTimeoutMs = 30_000;

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

interface Seen {
  readonly path: string;
  readonly user: UserInfo | undefined;
  readonly protocol: string | null;
  readonly peerKeyType: string | undefined;
}

function answer(path: string): object {
  if (path === '/version')
    return { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' };
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
}

describe(
  'P-256 TLS with the real kubectl and curl',
  { skip: !onPath('kubectl') && 'kubectl is not on the PATH' },
  () => {
    const seen: Seen[] = [];
    let dir = '';
    let server: Server | undefined;
    let url = '';
    let caPath = '';
    let token = '';

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'wisp-tls-'));
      // Real time: kubectl checks certificate validity against the wall clock.
      const clock = systemClock();
      const random = seededRandom(42);
      const ca = await loadOrCreateCa(dir, { clock, random, commonName: 'wisp-test-ca' });
      const reloaded = await loadOrCreateCa(dir, { clock, random, commonName: 'ignored' });
      const tls = await loadOrCreateServingCert(dir, reloaded, {
        hosts: ['localhost', '127.0.0.1', '::1'],
      });
      const tokens = await openTokenStore(join(dir, 'tokens.json'), { clock, random });
      token = (await tokens.create({ user: 'ci-bot', groups: ['deployers'] })).token;
      const authenticate = createAuthenticator({ caPem: ca.certPem, tokens });

      server = createServer(
        {
          cert: tls.certPem,
          key: tls.keyPem,
          ca: [ca.certPem],
          requestCert: true,
          rejectUnauthorized: false,
        },
        (req, res) => {
          const path = new URL(req.url ?? '/', 'https://x').pathname;
          const socket = req.socket as TLSSocket;
          const peerRaw = socket.getPeerCertificate().raw;
          void authenticate(authRequestOf(req)).then((user) => {
            seen.push({
              path,
              user,
              protocol: socket.getProtocol(),
              peerKeyType: peerRaw
                ? new X509Certificate(peerRaw).publicKey.asymmetricKeyType
                : undefined,
            });
            res.setHeader('content-type', 'application/json');
            res.statusCode = user ? 200 : 401;
            res.end(JSON.stringify(user ? answer(path) : unauthorizedStatus()));
          });
        },
      );
      const listening = server;
      await new Promise<void>((r) => listening.listen(0, '127.0.0.1', r));
      url = `https://127.0.0.1:${(listening.address() as AddressInfo).port}`;
      caPath = join(dir, 'ca.crt');

      const admin = await issueClientCert(ca, {
        user: 'alice',
        groups: ['devs', 'system:masters'],
        days: 1,
      });
      const base = { clusterName: 'wisp', server: url, caPem: ca.certPem, namespace: 'default' };
      await writeFile(
        join(dir, 'cert.kubeconfig'),
        kubeconfigYaml({ ...base, user: { name: 'alice', ...admin } }),
      );
      await writeFile(
        join(dir, 'token.kubeconfig'),
        kubeconfigYaml({ ...base, user: { name: 'ci-bot', token } }),
      );
    });

    after(async () => {
      const s = server;
      if (s) {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
      await rm(dir, { recursive: true, force: true });
    });

    const kubectl = (kubeconfig: string) =>
      run(
        'kubectl',
        [
          '--kubeconfig',
          join(dir, kubeconfig),
          '--cache-dir',
          join(dir, 'cache'),
          'get',
          '--raw',
          '/version',
        ],
        { timeout: toolTimeoutMs },
      );

    it('kubectl trusts the P-256 serving cert and presents a P-256 client cert', async () => {
      seen.length = 0;
      const { stdout } = await kubectl('cert.kubeconfig');
      assert.equal(JSON.parse(stdout).gitVersion, 'v1.32.4');
      const hit = seen.find((s) => s.path === '/version');
      assert.deepEqual(hit?.user, {
        name: 'alice',
        groups: ['devs', 'system:masters', 'system:authenticated'],
      });
      assert.equal(hit?.peerKeyType, 'ec');
      assert.equal(hit?.protocol, 'TLSv1.3');
    });

    it('kubectl sends the bearer token of a token kubeconfig', async () => {
      seen.length = 0;
      const { stdout } = await kubectl('token.kubeconfig');
      assert.equal(JSON.parse(stdout).major, '1');
      const hit = seen.find((s) => s.path === '/version');
      assert.deepEqual(hit?.user, {
        name: 'ci-bot',
        groups: ['deployers', 'system:authenticated'],
      });
      assert.equal(hit?.peerKeyType, undefined);
    });

    it(
      'curl verifies the server with --cacert and is anonymous without credentials',
      { skip: !onPath('curl') && 'curl is not on the PATH' },
      async () => {
        seen.length = 0;
        const anonymous = await run('curl', ['-sS', '--cacert', caPath, `${url}/version`], {
          timeout: toolTimeoutMs,
        });
        assert.equal(JSON.parse(anonymous.stdout).reason, 'Unauthorized');
        const withToken = await run(
          'curl',
          ['-sS', '--cacert', caPath, '-H', `Authorization: Bearer ${token}`, `${url}/api`],
          { timeout: toolTimeoutMs },
        );
        assert.equal(JSON.parse(withToken.stdout).kind, 'APIVersions');
        assert.deepEqual(
          seen.map((s) => s.user?.name),
          [undefined, 'ci-bot'],
        );
      },
    );

    it(
      'curl reaches the server by the name localhost, which the certificate covers',
      { skip: !onPath('curl') && 'curl is not on the PATH' },
      async () => {
        const port = new URL(url).port;
        const res = await run(
          'curl',
          [
            '-sS',
            '--cacert',
            caPath,
            '-H',
            `Authorization: Bearer ${token}`,
            `https://localhost:${port}/version`,
          ],
          { timeout: toolTimeoutMs },
        );
        assert.equal(JSON.parse(res.stdout).gitVersion, 'v1.32.4');
      },
    );
  },
);
