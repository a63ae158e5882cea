import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBearerChallenge, readBounded } from './registry-http.ts';

describe('registry http', () => {
  it('reads a Bearer challenge, commas inside quotes included', () => {
    const header =
      'Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull,push"';
    assert.deepEqual(parseBearerChallenge(header), {
      realm: 'https://auth.example/token',
      service: 'reg',
      scope: 'repository:a/b:pull,push',
    });
  });

  it('ignores Basic challenges and Bearer without a realm', () => {
    assert.equal(parseBearerChallenge('Basic realm="x"'), undefined);
    assert.equal(parseBearerChallenge('Bearer service="x"'), undefined);
    assert.equal(parseBearerChallenge(null), undefined);
  });

  it('stops reading a body at its limit, declared or not', async () => {
    const declared = new Response('x'.repeat(10), { headers: { 'content-length': '10' } });
    await assert.rejects(readBounded(declared, 9, 'manifest'), /manifest is 10 bytes, more than 9/);
    const chunked = new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(new Uint8Array(6));
          c.enqueue(new Uint8Array(6));
          c.close();
        },
      }),
    );
    await assert.rejects(readBounded(chunked, 9, 'manifest'), /more than 9 bytes/);
    assert.equal((await readBounded(new Response('abc'), 3, 'x')).length, 3);
  });
});
