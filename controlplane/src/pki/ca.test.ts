import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { seededRandom } from '@wisp/core';
import { loadOrCreateCa } from './ca.ts';
import { CertificateFileError } from './errors.ts';
import { generateKeyPair, privateKeyPem, spkiDer } from './keys.ts';
import { signCertificate } from './sign.ts';
import { manualClock, testEpochMs, withTempDir } from './test-support.ts';
import { x509 } from './x509.ts';

const options = (seed = 1) => ({
  clock: manualClock(),
  random: seededRandom(seed),
  commonName: 'wisp-ca',
});

describe('loadOrCreateCa', () => {
  it('creates ca.crt and a 0600 ca.key on first start', async () => {
    await withTempDir(async (dir) => {
      const ca = await loadOrCreateCa(dir, options());
      assert.equal((await stat(join(dir, 'ca.key'))).mode & 0o777, 0o600);
      assert.equal(await readFile(join(dir, 'ca.crt'), 'utf8'), ca.certPem);
      assert.match(await readFile(join(dir, 'ca.key'), 'utf8'), /BEGIN PRIVATE KEY/);
    });
  });

  it('issues a self-signed ECDSA P-256 CA valid for ten years', async () => {
    await withTempDir(async (dir) => {
      const ca = await loadOrCreateCa(dir, options());
      const cert = new X509Certificate(ca.certPem);
      assert.equal(cert.ca, true);
      assert.equal(cert.subject, 'CN=wisp-ca');
      assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
      assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
      assert.ok(cert.verify(cert.publicKey));
      assert.ok(cert.checkIssued(cert));
      const years = (cert.validToDate.getTime() - testEpochMs) / (365.25 * 86_400_000);
      assert.ok(Math.abs(years - 10) < 0.01, `validity ${years} years`);
      const usage = ca.certificate.getExtension(x509.KeyUsagesExtension);
      assert.equal(usage?.critical, true);
      assert.ok(usage && usage.usages & x509.KeyUsageFlags.keyCertSign);
      assert.ok(usage && usage.usages & x509.KeyUsageFlags.cRLSign);
    });
  });

  it('loads the same CA on the next start instead of creating another', async () => {
    await withTempDir(async (dir) => {
      const first = await loadOrCreateCa(dir, options(1));
      const second = await loadOrCreateCa(dir, options(2));
      assert.equal(second.certPem, first.certPem);
    });
  });

  it('draws keys and serial numbers from the injected Random', async () => {
    const a = await withTempDir((dir) => loadOrCreateCa(dir, options(7)));
    const b = await withTempDir((dir) => loadOrCreateCa(dir, options(7)));
    const c = await withTempDir((dir) => loadOrCreateCa(dir, options(8)));
    // ECDSA signatures are randomized by WebCrypto, so compare the key and serial, not the PEM.
    assert.equal(a.certificate.serialNumber, b.certificate.serialNumber);
    assert.ok(spkiDer(a.privateKey).equals(spkiDer(b.privateKey)));
    assert.notEqual(a.certificate.serialNumber, c.certificate.serialNumber);
  });

  it('refuses to replace a CA whose key file is missing', async () => {
    await withTempDir(async (dir) => {
      await loadOrCreateCa(dir, options());
      await unlink(join(dir, 'ca.key'));
      await assert.rejects(loadOrCreateCa(dir, options()), CertificateFileError);
    });
  });

  it('refuses a key that does not match the certificate', async () => {
    await withTempDir(async (dir) => {
      await loadOrCreateCa(dir, options(1));
      const other = await withTempDir(async (d2) => {
        await loadOrCreateCa(d2, options(2));
        return readFile(join(d2, 'ca.key'), 'utf8');
      });
      await writeFile(join(dir, 'ca.key'), other);
      await assert.rejects(loadOrCreateCa(dir, options()), /does not match/);
    });
  });

  it('refuses a certificate file that is not PEM', async () => {
    await withTempDir(async (dir) => {
      await loadOrCreateCa(dir, options());
      await writeFile(join(dir, 'ca.crt'), 'garbage');
      await assert.rejects(loadOrCreateCa(dir, options()), { code: 'ERR_INVALID' });
    });
  });

  it('keeps loading a CA made with an Ed25519 key, and signs leaves with it', async () => {
    await withTempDir(async (dir) => {
      const o = options(3);
      const { privateKey, publicKey } = generateKeyPair(o.random);
      const profile = { commonName: 'old-ca', days: 30, isCa: true };
      const certPem = await signCertificate({ privateKey }, publicKey, profile, o);
      await writeFile(join(dir, 'ca.crt'), certPem);
      await writeFile(join(dir, 'ca.key'), privateKeyPem(privateKey));
      const ca = await loadOrCreateCa(dir, o);
      assert.equal(ca.certificate.publicKey.algorithm.name, 'Ed25519');
      const leaf = await signCertificate(
        ca,
        generateKeyPair(o.random).publicKey,
        {
          commonName: 'leaf',
          days: 1,
        },
        o,
      );
      assert.ok(new X509Certificate(leaf).verify(new X509Certificate(ca.certPem).publicKey));
    });
  });
});
