import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ed25519FromPeerId,
  fromBase64Url,
  identityUris,
  isIPv4Cidr,
  nodeNameOfUser,
  peerIdFromEd25519,
  signingKeyId,
} from './identity.ts';

describe('peerIdFromEd25519', () => {
  it('gives the id libp2p gives the same key', () => {
    // Computed with @libp2p/peer-id's peerIdFromPublicKey(publicKeyFromRaw(key)).
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    assert.equal(peerIdFromEd25519(key), '12D3KooW9pP4Seg3kZYhySpuVjn1RPdQBsUFZKiFxGMGQN5MeL6A');
  });

  it('round-trips every key through the id', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
        const id = peerIdFromEd25519(key);
        assert.match(id, /^12D3KooW/);
        assert.deepEqual(ed25519FromPeerId(id), key);
      }),
    );
  });

  it('refuses keys of the wrong length and ids that are not Ed25519 peer ids', () => {
    assert.throws(() => peerIdFromEd25519(new Uint8Array(31)), /want 32 bytes/);
    assert.equal(ed25519FromPeerId('QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N'), undefined);
    assert.equal(ed25519FromPeerId('not-base58-0OIl'), undefined);
  });
});

describe('identityUris', () => {
  it('writes one wisp:// URI per fact, with the CIDR slash as a dash', () => {
    const uris = identityUris({
      peerId: '12D3KooWabc',
      x25519PublicKey: new Uint8Array(32).fill(255),
      podCidr: '10.42.7.0/24',
      site: 'store-42',
    });
    assert.deepEqual(uris, [
      'wisp://peer/12D3KooWabc',
      `wisp://x25519/${'_'.repeat(42)}8`,
      'wisp://podcidr/10.42.7.0-24',
      'wisp://site/store-42',
    ]);
  });
});

describe('isIPv4Cidr', () => {
  it('accepts network addresses only', () => {
    assert.equal(isIPv4Cidr('10.42.7.0/24'), true);
    assert.equal(isIPv4Cidr('10.42.7.1/24'), false);
    assert.equal(isIPv4Cidr('10.42.07.0/24'), false);
    assert.equal(isIPv4Cidr('10.42.256.0/24'), false);
    assert.equal(isIPv4Cidr('10.42.0.0/33'), false);
  });
});

describe('fromBase64Url', () => {
  it('names the field when the text or its length is wrong', () => {
    assert.throws(
      () => fromBase64Url('a+b/', 'x25519PublicKey', 3),
      /x25519PublicKey: .*base64url/,
    );
    assert.throws(() => fromBase64Url('AAAA', 'x25519PublicKey', 32), /must encode 32 bytes/);
    assert.deepEqual(fromBase64Url('AAAA', 'k', 3), new Uint8Array(3));
  });
});

describe('nodeNameOfUser', () => {
  it('reads system:node:<name> in system:nodes, and nothing else', () => {
    assert.equal(nodeNameOfUser({ name: 'system:node:n1', groups: ['system:nodes'] }), 'n1');
    assert.equal(nodeNameOfUser({ name: 'system:node:n1', groups: [] }), undefined);
    assert.equal(nodeNameOfUser({ name: 'system:node:', groups: ['system:nodes'] }), undefined);
    assert.equal(nodeNameOfUser({ name: 'admin', groups: ['system:nodes'] }), undefined);
  });
});

describe('signingKeyId', () => {
  it('is 16 hex digits of the key hash', () => {
    assert.match(signingKeyId(new Uint8Array(32)), /^[0-9a-f]{16}$/);
    assert.notEqual(signingKeyId(new Uint8Array(32)), signingKeyId(new Uint8Array(32).fill(1)));
  });
});
