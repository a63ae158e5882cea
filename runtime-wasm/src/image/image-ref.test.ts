import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatImageRef, parseImageRef, type RegistryImageRef } from './image-ref.ts';
import { ImageRefError } from './image-errors.ts';

const HEX = 'a'.repeat(64);
const DIGEST = `sha256:${HEX}`;

function refError(ref: string): ImageRefError {
  try {
    parseImageRef(ref);
  } catch (e) {
    assert.ok(e instanceof ImageRefError, `expected ImageRefError, got ${String(e)}`);
    return e;
  }
  assert.fail(`"${ref}" parsed`);
}

describe('parseImageRef', () => {
  it('treats a first segment with a dot, a colon or localhost as the registry', () => {
    assert.deepEqual(parseImageRef('ghcr.io/acme/hello:1.2'), {
      kind: 'registry',
      registry: 'ghcr.io',
      repository: 'acme/hello',
      tag: '1.2',
      digest: undefined,
    });
    assert.equal(
      (parseImageRef('127.0.0.1:5000/hello') as RegistryImageRef).registry,
      '127.0.0.1:5000',
    );
    assert.equal((parseImageRef('localhost/hello') as RegistryImageRef).registry, 'localhost');
    assert.equal((parseImageRef('[::1]:5000/hello') as RegistryImageRef).registry, '[::1]:5000');
  });

  it('defaults to docker.io, library/ and the latest tag as docker does', () => {
    const r = parseImageRef('hello');
    assert.equal(formatImageRef(r), 'docker.io/library/hello:latest');
    assert.equal(formatImageRef(parseImageRef('acme/hello')), 'docker.io/acme/hello:latest');
  });

  it('keeps a digest and adds no default tag when pinned', () => {
    const r = parseImageRef(`localhost:5000/a/b@${DIGEST}`);
    assert.equal(r.kind, 'registry');
    assert.equal(r.kind === 'registry' && r.tag, undefined);
    assert.equal(r.digest, DIGEST);
    const both = parseImageRef(`localhost:5000/a/b:v1@${DIGEST}`);
    assert.equal(formatImageRef(both), `localhost:5000/a/b:v1@${DIGEST}`);
  });

  it('names the bad part of a registry reference', () => {
    assert.equal(refError('').part, 'reference');
    assert.equal(refError('Hello').part, 'repository');
    assert.equal(refError('ghcr.io/acme/hello:bad!tag').part, 'tag');
    assert.equal(refError('ghcr.io/acme/hello@sha256:abc').part, 'digest');
    assert.equal(refError('bad_host.io:99x/hello').part, 'registry');
    assert.match(refError(`hello@sha512:${HEX}`).message, /algorithm "sha512" is not supported/);
    assert.match(refError('ghcr.io/Acme/x').message, /component "Acme"/);
  });

  it('parses file:// and https:// URLs with their component digest', () => {
    assert.deepEqual(parseImageRef(`file:///opt/hello.wasm@${DIGEST}`), {
      kind: 'url',
      scheme: 'file',
      url: 'file:///opt/hello.wasm',
      path: '/opt/hello.wasm',
      digest: DIGEST,
    });
    const https = parseImageRef(`https://example.com/x.wasm@${DIGEST}`);
    assert.equal(https.kind === 'url' && https.url, 'https://example.com/x.wasm');
  });

  it('refuses a URL without a digest, with a bad one, or with another scheme', () => {
    assert.match(refError('https://example.com/x.wasm').message, /must end in "@sha256:<hex>"/);
    assert.equal(refError('file:///x.wasm@sha256:12').part, 'digest');
    assert.equal(refError(`ftp://example.com/x.wasm@${DIGEST}`).part, 'url');
    assert.equal(refError(`file://host/x.wasm@${DIGEST}`).part, 'url');
  });

  it('round-trips every canonical registry reference', () => {
    const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,8})?$/);
    const host = fc.constantFrom('ghcr.io', 'localhost:5000', '10.0.0.1:443', 'reg.example');
    const tag = fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), {
      nil: undefined,
    });
    const digest = fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined });
    fc.assert(
      fc.property(
        host,
        fc.array(component, { minLength: 1, maxLength: 3 }),
        tag,
        digest,
        (h, p, t, d) => {
          const text = `${h}/${p.join('/')}${t ? `:${t}` : ''}${d ? `@sha256:${d}` : ''}`;
          const parsed = parseImageRef(text);
          const expected = t || d ? text : `${text}:latest`;
          assert.equal(formatImageRef(parsed), expected);
          assert.deepEqual(parseImageRef(formatImageRef(parsed)), parsed);
        },
      ),
    );
  });
});
