import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseWasmManifest, wasmConfigBytes, wasmManifestBytes } from './manifest.ts';
import { sha256Digest } from './digest.ts';

const LAYER = { mediaType: 'application/wasm', digest: `sha256:${'1'.repeat(64)}`, size: 10 };
const CONFIG = {
  mediaType: 'application/vnd.wasm.config.v0+json',
  digest: `sha256:${'2'.repeat(64)}`,
  size: 3,
};

function bytes(doc: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(doc));
}

function manifest(overrides: Record<string, unknown> = {}): Uint8Array {
  return bytes({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: CONFIG,
    layers: [LAYER],
    ...overrides,
  });
}

describe('parseWasmManifest', () => {
  it('returns the config and the single wasm layer', () => {
    assert.deepEqual(parseWasmManifest(manifest()), { config: CONFIG, layer: LAYER });
  });

  it('refuses a container image layer by its media type', () => {
    const tar = { ...LAYER, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' };
    assert.throws(
      () => parseWasmManifest(manifest({ layers: [tar] })),
      /not a wasm component artifact: layer media type "application\/vnd\.oci\.image\.layer\.v1/,
    );
  });

  it('refuses two layers, no layers and a non-wasm config', () => {
    assert.throws(() => parseWasmManifest(manifest({ layers: [LAYER, LAYER] })), /exactly one/);
    assert.throws(() => parseWasmManifest(manifest({ layers: [] })), /\(no layers\)/);
    const config = { ...CONFIG, mediaType: 'application/vnd.oci.image.config.v1+json' };
    assert.throws(() => parseWasmManifest(manifest({ config })), /config media type/);
  });

  it('names the field of a malformed descriptor', () => {
    const bad = { ...LAYER, digest: 'sha256:xyz' };
    assert.throws(() => parseWasmManifest(manifest({ layers: [bad] })), /layers\[0\]\.digest/);
    const neg = { ...LAYER, size: -1 };
    assert.throws(() => parseWasmManifest(manifest({ layers: [neg] })), /layers\[0\]\.size/);
    assert.throws(() => parseWasmManifest(manifest({ config: undefined })), /manifest config:/);
  });

  it('refuses an image index and text that is not JSON', () => {
    const index = manifest({ mediaType: 'application/vnd.oci.image.index.v1+json' });
    assert.throws(() => parseWasmManifest(index), /manifest media type/);
    assert.throws(() => parseWasmManifest(new TextEncoder().encode('{')), /not JSON/);
    assert.throws(() => parseWasmManifest(manifest({ schemaVersion: 1 })), /schemaVersion 1/);
  });

  it('reads back what push writes', () => {
    const config = wasmConfigBytes(LAYER.digest);
    const doc = JSON.parse(new TextDecoder().decode(config));
    assert.deepEqual(doc, {
      architecture: 'wasm',
      os: 'wasip2',
      layerDigests: [LAYER.digest],
    });
    const m = {
      config: { ...CONFIG, digest: sha256Digest(config), size: config.length },
      layer: LAYER,
    };
    assert.deepEqual(parseWasmManifest(wasmManifestBytes(m)), m);
  });
});
