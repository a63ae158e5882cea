/**
 * Publishes a component file as a CNCF wasm OCI artifact: the component as the one
 * `application/wasm` layer, a small wasm config, and an OCI manifest naming both. Blobs the
 * registry already has are not sent again.
 *
 *   const pushed = await pushComponent('hello.wasm', '127.0.0.1:5000/hello:v1', {}, { clock });
 *   pushed.digest; // the manifest digest: pin pods to `127.0.0.1:5000/hello@${pushed.digest}`
 */
import { readFile, stat } from 'node:fs/promises';
import type { Clock } from '@wisp/core';
import { componentProblem } from './component-header.ts';
import { sha256Digest } from './digest.ts';
import { ImagePushError, ImageRefError } from './image-errors.ts';
import { formatImageRef, parseImageRef, type RegistryImageRef } from './image-ref.ts';
import { wasmConfigBytes, wasmManifestBytes } from './manifest.ts';
import { wasmConfigMediaType, wasmLayerMediaType } from './media-types.ts';
import { createRegistryClient, type RegistryClientInit } from './registry-client.ts';
import type { Fetch } from './registry-http.ts';

export interface PushComponents {
  readonly clock: Clock;
  readonly fetch?: Fetch;
}

export interface PushResult {
  /** The reference pushed to, without digest: `registry/repo:tag`. */
  readonly ref: string;
  /** The manifest digest, for pinning pods to exactly this artifact. */
  readonly digest: string;
}

export async function pushComponent(
  file: string,
  image: string,
  init: RegistryClientInit,
  components: PushComponents,
): Promise<PushResult> {
  const ref = parseRegistryRef(image);
  const client = createRegistryClient(init, components);
  try {
    const component = await readComponent(file, client.limits.blobBytesMax);
    const layerDigest = sha256Digest(component);
    const config = wasmConfigBytes(layerDigest);
    const manifest = wasmManifestBytes({
      config: { mediaType: wasmConfigMediaType, digest: sha256Digest(config), size: config.length },
      layer: { mediaType: wasmLayerMediaType, digest: layerDigest, size: component.length },
    });
    const manifestDigest = sha256Digest(manifest);
    if (ref.digest !== undefined && ref.digest !== manifestDigest) {
      throw new Error(`digest: ${ref.digest} is not this artifact's manifest (${manifestDigest})`);
    }
    await client.putBlob(ref, component);
    await client.putBlob(ref, config);
    const digest = await client.putManifest(ref, ref.tag ?? manifestDigest, manifest);
    return { ref: formatImageRef({ ...ref, digest: undefined }), digest };
  } catch (e) {
    throw new ImagePushError(image, e instanceof Error ? e.message : String(e), { cause: e });
  }
}

function parseRegistryRef(image: string): RegistryImageRef {
  try {
    const ref = parseImageRef(image);
    if (ref.kind === 'registry') return ref;
    throw new ImagePushError(image, 'push needs a registry reference (registry/repo:tag)');
  } catch (e) {
    if (e instanceof ImageRefError) throw new ImagePushError(image, e.reason, { cause: e });
    throw e;
  }
}

async function readComponent(file: string, blobBytesMax: number): Promise<Uint8Array> {
  const st = await stat(file);
  if (!st.isFile()) throw new Error(`${file}: not a regular file`);
  if (st.size > blobBytesMax) {
    throw new Error(`${file}: ${st.size} bytes, more than blobBytesMax ${blobBytesMax}`);
  }
  const bytes = new Uint8Array(await readFile(file));
  const problem = componentProblem(bytes);
  if (problem) throw new Error(`${file}: ${problem}`);
  return bytes;
}
