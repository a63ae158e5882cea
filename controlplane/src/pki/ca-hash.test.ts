import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { seededRandom } from '@wisp/core';
import { loadOrCreateCa } from './ca.ts';
import { caHash } from './ca-hash.ts';
import { manualClock, withTempDir } from './test-support.ts';

describe('caHash', () => {
  it('is the hex SHA-256 of the certificate DER', async () => {
    const ca = await withTempDir((dir) =>
      loadOrCreateCa(dir, { clock: manualClock(), random: seededRandom(1), commonName: 'ca' }),
    );
    const der = new X509Certificate(ca.certPem).raw;
    assert.equal(caHash(ca.certPem), createHash('sha256').update(der).digest('hex'));
    assert.match(caHash(ca.certPem), /^[0-9a-f]{64}$/);
  });

  it('rejects text that is not a certificate', () => {
    assert.throws(() => caHash('not a pem'), { code: 'ERR_INVALID', message: /^caPem:/ });
  });
});
