import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { sha256Digest } from './digest.ts';
import { FakeRegistry, fakeComponent } from './fake-registry.fixture.ts';
import { ImagePushError } from './image-errors.ts';
import { createImageStore } from './image-store.ts';
import { pushComponent } from './push-component.ts';

const REG = '127.0.0.1:5000';

describe('pushComponent', () => {
  let dir: string;
  let file: string;
  let reg: FakeRegistry;
  const clock = new FakeClock();
  const component = fakeComponent('hello');
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wisp-push-'));
    file = join(dir, 'hello.wasm');
    writeFileSync(file, component);
    reg = new FakeRegistry();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const push = (image: string, path = file) =>
    pushComponent(path, image, {}, { clock, fetch: reg.fetch });

  it('uploads the layer, the wasm config and an OCI manifest in the CNCF layout', async () => {
    const result = await push(`${REG}/acme/hello:v1`);
    const steps = reg.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`);
    const layer = sha256Digest(component);
    assert.deepEqual(steps.slice(0, 3), [
      `HEAD /v2/acme/hello/blobs/${layer}`,
      'POST /v2/acme/hello/blobs/uploads/',
      'PUT /v2/acme/hello/blobs/uploads/u1',
    ]);
    assert.equal(steps.at(-1), 'PUT /v2/acme/hello/manifests/v1');
    const layerPut = reg.requests[2];
    assert.equal(new URL(layerPut.url).searchParams.get('digest'), layer);
    assert.equal(new URL(layerPut.url).searchParams.get('state'), 'x', 'keeps the upload state');
    assert.equal(layerPut.headers['content-type'], 'application/octet-stream');
    assert.deepEqual(Buffer.from(layerPut.body!), Buffer.from(component));

    const configBytes = reg.requests[5].body!;
    assert.deepEqual(JSON.parse(Buffer.from(configBytes).toString()), {
      architecture: 'wasm',
      os: 'wasip2',
      layerDigests: [layer],
    });
    const put = reg.requests.at(-1)!;
    assert.equal(put.headers['content-type'], 'application/vnd.oci.image.manifest.v1+json');
    assert.deepEqual(JSON.parse(Buffer.from(put.body!).toString()), {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.wasm.config.v0+json',
        digest: sha256Digest(configBytes),
        size: configBytes.length,
      },
      layers: [{ mediaType: 'application/wasm', digest: layer, size: component.length }],
    });
    assert.deepEqual(result, { ref: `${REG}/acme/hello:v1`, digest: sha256Digest(put.body!) });
  });

  it('skips blobs the registry has and yields the same digest again', async () => {
    const first = await push(`${REG}/hello:v1`);
    const before = reg.requests.length;
    const second = await push(`${REG}/hello:v2`);
    const steps = reg.requests.slice(before).map((r) => r.method);
    assert.deepEqual(steps, ['HEAD', 'HEAD', 'PUT']);
    assert.equal(second.digest, first.digest);
  });

  it('pushes what the image store pulls back', async () => {
    const { digest } = await push(`${REG}/hello:v1`);
    const images = createImageStore(
      { cacheDir: join(dir, 'cache'), cacheBytesMax: 1 << 20 },
      { clock, fetch: reg.fetch },
    );
    const pulled = await images.pull(`${REG}/hello@${digest}`);
    assert.equal(pulled.digest, sha256Digest(component));
  });

  it('refuses a core module before any request', async () => {
    const core = join(dir, 'core.wasm');
    writeFileSync(core, Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    await assert.rejects(push(`${REG}/hello:v1`, core), (e: unknown) => {
      assert.ok(e instanceof ImagePushError);
      assert.match(e.message, /core WebAssembly module, not a component/);
      return true;
    });
    assert.equal(reg.requests.length, 0);
  });

  it('refuses URL references and a digest that is not the artifact', async () => {
    await assert.rejects(
      push(`https://x.example/a.wasm@sha256:${'a'.repeat(64)}`),
      /needs a registry reference/,
    );
    await assert.rejects(push(`${REG}/hello@sha256:${'a'.repeat(64)}`), /is not this artifact/);
    await assert.rejects(push('Bad/Name'), /repository:/);
  });

  it('reports the registry error of a failed upload', async () => {
    const failing = async (url: string, init?: RequestInit) =>
      init?.method === 'POST'
        ? new Response(JSON.stringify({ errors: [{ code: 'DENIED', message: 'no' }] }), {
            status: 403,
          })
        : reg.fetch(url, init);
    await assert.rejects(
      pushComponent(file, `${REG}/hello:v1`, {}, { clock, fetch: failing }),
      /POST http:\/\/127.0.0.1:5000\/v2\/hello\/blobs\/uploads\/: 403 DENIED no/,
    );
  });
});
