import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImagePullError } from '@wisp/core';
import { FakeClock } from '@wisp/testkit/fake-clock.ts';
import { sha256Digest } from './digest.ts';
import { FakeRegistry, fakeComponent } from './fake-registry.fixture.ts';
import { createImageStore, type ImageStoreInit } from './image-store.ts';
import { wasmConfigBytes, wasmManifestBytes } from './manifest.ts';
import type { Fetch } from './registry-http.ts';

const REG = '127.0.0.1:5000';

/** Pushes a wasm artifact into the fake; `layer` overrides the layer descriptor. */
function publish(
  reg: FakeRegistry,
  repo: string,
  tag: string,
  component: Uint8Array,
  layer: { digest?: string; mediaType?: string } = {},
): string {
  const layerDigest = reg.addBlob(component);
  const config = wasmConfigBytes(layerDigest);
  const configDigest = reg.addBlob(config);
  const manifest = wasmManifestBytes({
    config: {
      mediaType: 'application/vnd.wasm.config.v0+json',
      digest: configDigest,
      size: config.length,
    },
    layer: {
      mediaType: layer.mediaType ?? 'application/wasm',
      digest: layer.digest ?? layerDigest,
      size: component.length,
    },
  });
  return reg.addManifest(repo, tag, manifest);
}

describe('image store', () => {
  let dir: string;
  let clock: FakeClock;
  let reg: FakeRegistry;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wisp-images-'));
    clock = new FakeClock();
    reg = new FakeRegistry();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const store = (init: Partial<ImageStoreInit> = {}, fetch: Fetch = reg.fetch) =>
    createImageStore({ cacheDir: dir, cacheBytesMax: 1 << 20, ...init }, { clock, fetch });

  it('pulls a component by tag into the content-addressed cache', async () => {
    const component = fakeComponent('hello');
    publish(reg, 'hello', 'v1', component);
    const images = store();
    assert.equal(images.cached(`${REG}/hello:v1`), false);
    const pulled = await images.pull(`${REG}/hello:v1`);
    assert.equal(pulled.digest, sha256Digest(component));
    assert.equal(pulled.size, component.length);
    assert.deepEqual(readFileSync(pulled.path), Buffer.from(component));
    assert.ok(images.cached(`${REG}/hello:v1`));
    assert.ok(reg.requests.every((r) => r.url.startsWith(`http://${REG}/v2/hello/`)));
    assert.equal(reg.requests[0].headers.accept, 'application/vnd.oci.image.manifest.v1+json');
  });

  it('asks only for the manifest when a tag is pulled again, even from a new process', async () => {
    publish(reg, 'hello', 'v1', fakeComponent('hello'));
    await store().pull(`${REG}/hello:v1`);
    assert.equal(reg.count('GET', '/blobs/'), 1);
    await store().pull(`${REG}/hello:v1`);
    assert.equal(reg.count('GET', '/blobs/'), 1);
    assert.equal(reg.count('GET', '/manifests/'), 2);
  });

  it('makes no request at all for a cached digest', async () => {
    const manifestDigest = publish(reg, 'hello', 'v1', fakeComponent('hello'));
    const images = store();
    await images.pull(`${REG}/hello@${manifestDigest}`);
    const before = reg.requests.length;
    assert.ok(images.cached(`${REG}/hello@${manifestDigest}`));
    await images.pull(`${REG}/hello@${manifestDigest}`);
    assert.equal(reg.requests.length, before);
  });

  it('refuses a blob that does not match the manifest and caches nothing', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    const component = fakeComponent('evil');
    publish(reg, 'hello', 'v1', component, { digest: wrong });
    reg.blobs.set(wrong, component);
    const images = store();
    await assert.rejects(images.pull(`${REG}/hello:v1`), (e: unknown) => {
      assert.ok(e instanceof ImagePullError);
      assert.match(
        e.message,
        new RegExp(`digest mismatch: want ${wrong}, got ${sha256Digest(component)}`),
      );
      return true;
    });
    assert.equal(images.cached(`${REG}/hello:v1`), false);
    assert.deepEqual(readdirSync(join(dir, 'blobs', 'sha256')), []);
  });

  it('refuses a container image by its layer media type before fetching a blob', async () => {
    publish(reg, 'nginx', 'latest', fakeComponent('x'), {
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    });
    await assert.rejects(
      store().pull(`${REG}/nginx`),
      /not a wasm component artifact: layer media type "application\/vnd\.oci\.image\.layer\.v1/,
    );
    assert.equal(reg.count('GET', '/blobs/'), 0);
  });

  it('checks the manifest digest when pulling by digest', async () => {
    publish(reg, 'hello', 'v1', fakeComponent('hello'));
    const other = `sha256:${'b'.repeat(64)}`;
    reg.manifests.get('hello')!.set(other, reg.manifests.get('hello')!.get('v1')!);
    await assert.rejects(store().pull(`${REG}/hello@${other}`), /manifest digest mismatch/);
  });

  it('refuses a core module served as a component', async () => {
    const core = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
    publish(reg, 'core', 'v1', core);
    const images = store();
    await assert.rejects(images.pull(`${REG}/core:v1`), /core WebAssembly module/);
    assert.equal(images.cached(`${REG}/core:v1`), false);
  });

  it('pulls again when the cached file was corrupted', async () => {
    publish(reg, 'hello', 'v1', fakeComponent('hello'));
    const pulled = await store().pull(`${REG}/hello:v1`);
    writeFileSync(pulled.path, 'garbage');
    const again = await store().pull(`${REG}/hello:v1`);
    assert.deepEqual(readFileSync(again.path), Buffer.from(fakeComponent('hello')));
    assert.equal(reg.count('GET', '/blobs/'), 2);
  });

  it('starts from the last good tag when no registry answers', async () => {
    publish(reg, 'hello', 'v1', fakeComponent('hello'));
    await store().pull(`${REG}/hello:v1`);
    const down: Fetch = () => Promise.reject(new TypeError('fetch failed'));
    const pulled = await store({}, down).pull(`${REG}/hello:v1`);
    assert.equal(pulled.digest, sha256Digest(fakeComponent('hello')));
    await assert.rejects(store({}, down).pull(`${REG}/other:v1`), /fetch failed/);
  });

  it('answers a Bearer challenge with an anonymous token, once per repository', async () => {
    reg = new FakeRegistry({ requireToken: true });
    publish(reg, 'hello', 'v1', fakeComponent('hello'));
    await store().pull(`${REG}/hello:v1`);
    assert.equal(reg.count('GET', '/token'), 1);
    const tokenUrl = new URL(reg.requests.find((r) => r.url.includes('/token'))!.url);
    assert.equal(tokenUrl.searchParams.get('service'), 'fake');
    assert.equal(tokenUrl.searchParams.get('scope'), 'repository:x:pull');
  });

  it('uses https for registries that are not listed as insecure', async () => {
    publish(reg, 'hello', 'v1', fakeComponent('hello'));
    await store().pull('reg.example/hello:v1');
    assert.ok(reg.requests[0].url.startsWith('https://reg.example/v2/hello/manifests/v1'));
    await store({ insecureHosts: ['reg.example'] }).pull('reg.example/hello:v1');
    assert.ok(reg.requests.at(-1)!.url.startsWith('http://reg.example/'));
  });

  it('gives up on a registry that does not answer within requestTimeoutMs', async () => {
    const hang: Fetch = (_url, init) =>
      new Promise((_ok, fail) =>
        init?.signal?.addEventListener('abort', () => fail(init.signal!.reason)),
      );
    const pulling = store({ requestTimeoutMs: 5_000 }, hang).pull(`${REG}/hello:v1`);
    clock.advance(5_000);
    await assert.rejects(pulling, /no answer within 5000 ms/);
  });

  it('refuses a manifest larger than manifestBytesMax', async () => {
    publish(reg, 'hello', 'v1', fakeComponent('hello'));
    await assert.rejects(store({ manifestBytesMax: 100 }).pull(`${REG}/hello:v1`), /more than 100/);
  });

  it('refuses a layer larger than blobBytesMax before fetching it', async () => {
    publish(reg, 'hello', 'v1', fakeComponent('x'.repeat(100)));
    await assert.rejects(store({ blobBytesMax: 50 }).pull(`${REG}/hello:v1`), /blobBytesMax 50/);
    assert.equal(reg.count('GET', '/blobs/'), 0);
  });

  it('fetches one blob once for concurrent pulls', async () => {
    publish(reg, 'hello', 'v1', fakeComponent('hello'));
    const images = store();
    const [a, b] = await Promise.all([
      images.pull(`${REG}/hello:v1`),
      images.pull(`${REG}/hello:v1`),
    ]);
    assert.deepEqual(a, b);
    assert.equal(reg.count('GET', '/blobs/'), 1);
  });

  it('copies a file:// component in only when its digest matches', async () => {
    const component = fakeComponent('local');
    const file = join(dir, 'local.wasm');
    writeFileSync(file, component);
    const url = pathToFileURL(file).href;
    const images = store();
    const wrong = `sha256:${'c'.repeat(64)}`;
    await assert.rejects(images.pull(`${url}@${wrong}`), /digest mismatch: want sha256:c/);
    assert.equal(images.cached(`${url}@${wrong}`), false);
    const pulled = await images.pull(`${url}@${sha256Digest(component)}`);
    assert.notEqual(pulled.path, file);
    assert.ok(existsSync(pulled.path));
    assert.ok(images.cached(`${url}@${sha256Digest(component)}`));
  });

  it('fetches an https:// component and refuses plain http to a public host', async () => {
    const component = fakeComponent('remote');
    const digest = sha256Digest(component);
    const fetch: Fetch = async () => new Response(component, { status: 200 });
    const pulled = await store({}, fetch).pull(`https://cdn.example/x.wasm@${digest}`);
    assert.equal(pulled.digest, digest);
    await assert.rejects(
      store({}, fetch).pull(`http://cdn.example/y.wasm@${sha256Digest(fakeComponent('y'))}`),
      /plain http to cdn.example is refused/,
    );
  });

  it('says which part of a bad reference is wrong', async () => {
    await assert.rejects(store().pull('Hello:v1'), (e: unknown) => {
      assert.ok(e instanceof ImagePullError);
      assert.match(e.message, /^image "Hello:v1": repository: /);
      return true;
    });
    assert.equal(store().cached('Hello:v1'), false);
  });
});
