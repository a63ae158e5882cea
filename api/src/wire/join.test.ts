import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { toBase64Url } from './identity.ts';
import {
  caCertificateHash,
  formatJoinToken,
  parseJoinToken,
  validateJoinRequest,
  validateJoinResponse,
} from './join.ts';

const hash = 'a1'.repeat(32);
const key = toBase64Url(new Uint8Array(32).fill(3));
const request = {
  nodeName: 'edge-1',
  site: 'store-42',
  labels: { 'kubernetes.io/arch': 'arm64' },
  ed25519PublicKey: key,
  x25519PublicKey: key,
};

describe('join tokens', () => {
  it('parse back to the CA hash, id and credential they were formatted from', () => {
    const token = formatJoinToken(hash, 'abc123.0123456789abcdef0123456789abcdef');
    assert.deepEqual(parseJoinToken(` ${token}\n`), {
      caHash: hash,
      id: 'abc123',
      credential: 'abc123.0123456789abcdef0123456789abcdef',
    });
  });

  it('refuse a token without the K10 prefix or with a short hash, without echoing it', () => {
    assert.throws(() => parseJoinToken('abc123.secretsecretsecret'), /must start with "K10"/);
    const bad = `K10${'a1'.repeat(16)}::abc123.secretsecretsecret`;
    assert.throws(
      () => parseJoinToken(bad),
      (e: Error) => /K10<64 hex digits/.test(e.message) && !e.message.includes('secretsecret'),
    );
  });
});

describe('validateJoinRequest', () => {
  it('accepts a complete request and defaults labels and site', () => {
    assert.deepEqual(validateJoinRequest(request), request);
    const { site: _s, labels: _l, ...bare } = request;
    assert.deepEqual(validateJoinRequest(bare), { ...bare, site: '', labels: {} });
  });

  it('names the bad field', () => {
    const cases: [unknown, RegExp][] = [
      [null, /InvalidError: body: Invalid value/],
      [{ ...request, nodeName: 'Edge_1' }, /InvalidError: nodeName: Invalid value: "Edge_1"/],
      [{ ...request, nodeName: undefined }, /InvalidError: nodeName: Required value/],
      [{ ...request, site: 'a.b' }, /InvalidError: site: Invalid value/],
      [{ ...request, ed25519PublicKey: 'AAAA' }, /InvalidError: ed25519PublicKey: .*32 bytes/],
      [{ ...request, x25519PublicKey: 7 }, /InvalidError: x25519PublicKey: Required value/],
      [
        { ...request, labels: { 'bad key!': 'x' } },
        /InvalidError: labels: Invalid value: "bad key!"/,
      ],
      [{ ...request, labels: { ok: 'bad value!' } }, /InvalidError: labels\[ok\]: Invalid value/],
    ];
    for (const [body, want] of cases) assert.throws(() => validateJoinRequest(body), want);
  });

  it('refuses more labels than joinLabelsMax', () => {
    const labels = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'v']));
    assert.throws(() => validateJoinRequest({ ...request, labels }), /labels: Too many: 65/);
  });
});

describe('validateJoinResponse', () => {
  it('refuses an answer without PEM certificates or with a bad pod CIDR', () => {
    const answer = {
      nodeName: 'edge-1',
      site: '',
      podCidr: '10.42.3.0/24',
      signingPublicKey: key,
      signingKeyId: '0123456789abcdef',
      certificatePem: '-----BEGIN CERTIFICATE-----\n...',
      caPem: '-----BEGIN CERTIFICATE-----\n...',
    };
    assert.equal(validateJoinResponse(answer).podCidr, '10.42.3.0/24');
    assert.throws(() => validateJoinResponse({ ...answer, podCidr: '10.42.3.1/24' }), /podCidr/);
    assert.throws(() => validateJoinResponse({ ...answer, caPem: 'x' }), /caPem: .*PEM/);
  });
});

describe('caCertificateHash', () => {
  it('refuses text that is not a certificate', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => caCertificateHash(pem), /caPem: Invalid value/);
  });
});
