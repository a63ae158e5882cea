import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { seededRandom } from '@wisp/core';
import { loadOrCreateCa } from './ca.ts';
import { loadOrCreateServingCert } from './serving-cert.ts';
import { manualClock, withTempDir } from './test-support.ts';

const dayMs = 86_400_000;

async function setup(dir: string, seed = 1) {
  const clock = manualClock();
  const ca = await loadOrCreateCa(join(dir, `ca-${seed}`), {
    clock,
    random: seededRandom(seed),
    commonName: 'test-ca',
  });
  return { clock, ca };
}

describe('loadOrCreateServingCert', () => {
  it('issues on first start and keeps the key private', async () => {
    await withTempDir(async (dir) => {
      const { ca } = await setup(dir);
      const tls = await loadOrCreateServingCert(dir, ca, { hosts: ['localhost', '127.0.0.1'] });
      assert.equal(tls.issued, true);
      assert.equal((await stat(join(dir, 'apiserver.key'))).mode & 0o777, 0o600);
      assert.equal(new X509Certificate(tls.certPem).checkIP('127.0.0.1'), '127.0.0.1');
    });
  });

  it('reuses the stored certificate while it still covers the hosts', async () => {
    await withTempDir(async (dir) => {
      const { ca } = await setup(dir);
      const first = await loadOrCreateServingCert(dir, ca, { hosts: ['localhost', '::1'] });
      const again = await loadOrCreateServingCert(dir, ca, { hosts: ['::1'] });
      assert.equal(again.issued, false);
      assert.equal(again.certPem, first.certPem);
      assert.equal(again.keyPem, first.keyPem);
    });
  });

  it('re-issues when a host is no longer covered', async () => {
    await withTempDir(async (dir) => {
      const { ca } = await setup(dir);
      await loadOrCreateServingCert(dir, ca, { hosts: ['localhost'] });
      const next = await loadOrCreateServingCert(dir, ca, { hosts: ['localhost', 'edge-7'] });
      assert.equal(next.issued, true);
      assert.equal(new X509Certificate(next.certPem).checkHost('edge-7'), 'edge-7');
    });
  });

  it('re-issues within 30 days of expiry but not before', async () => {
    await withTempDir(async (dir) => {
      const { ca, clock } = await setup(dir);
      const hosts = ['localhost'];
      await loadOrCreateServingCert(dir, ca, { hosts, days: 100 });
      clock.advance(69 * dayMs);
      assert.equal((await loadOrCreateServingCert(dir, ca, { hosts, days: 100 })).issued, false);
      clock.advance(2 * dayMs);
      assert.equal((await loadOrCreateServingCert(dir, ca, { hosts, days: 100 })).issued, true);
    });
  });

  it('re-issues when the stored certificate was signed by another CA', async () => {
    await withTempDir(async (dir) => {
      const one = await setup(dir, 1);
      const two = await setup(dir, 2);
      await loadOrCreateServingCert(dir, one.ca, { hosts: ['localhost'] });
      const next = await loadOrCreateServingCert(dir, two.ca, { hosts: ['localhost'] });
      assert.equal(next.issued, true);
      const caKey = new X509Certificate(two.ca.certPem).publicKey;
      assert.ok(new X509Certificate(next.certPem).verify(caKey));
    });
  });
});
