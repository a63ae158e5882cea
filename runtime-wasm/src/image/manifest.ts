/**
 * Reading and writing the OCI manifest of a wasm component artifact. Reading is strict: anything
 * but exactly one `application/wasm` layer under a wasm config is refused before a blob is
 * fetched, so a container image named by mistake fails fast and says why.
 */
import { digestProblem } from './digest.ts';
import { ociManifestMediaType, wasmConfigMediaType, wasmLayerMediaType } from './media-types.ts';

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface WasmManifest {
  readonly config: Descriptor;
  readonly layer: Descriptor;
}

/** Returns the manifest's config and layer, or throws an Error whose message is the reason. */
export function parseWasmManifest(bytes: Uint8Array): WasmManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`manifest is not JSON: ${why}`, { cause: e });
  }
  if (!isObject(doc)) throw new Error('manifest is not a JSON object');
  if (doc.schemaVersion !== 2) {
    throw new Error(`manifest schemaVersion ${JSON.stringify(doc.schemaVersion)} (want 2)`);
  }
  if (doc.mediaType !== undefined && doc.mediaType !== ociManifestMediaType) {
    throw new Error(
      `not a wasm component artifact: manifest media type ${JSON.stringify(doc.mediaType)}` +
        ` (want ${ociManifestMediaType})`,
    );
  }
  const config = descriptor(doc.config, 'config');
  if (config.mediaType !== wasmConfigMediaType) {
    throw new Error(
      `not a wasm component artifact: config media type ${JSON.stringify(config.mediaType)}` +
        ` (want ${wasmConfigMediaType})`,
    );
  }
  if (!Array.isArray(doc.layers)) throw new Error('manifest layers: must be an array');
  const layers = doc.layers.map((l, i) => descriptor(l, `layers[${i}]`));
  const types = layers.map((l) => JSON.stringify(l.mediaType)).join(', ');
  if (layers.length !== 1 || layers[0].mediaType !== wasmLayerMediaType) {
    throw new Error(
      `not a wasm component artifact: layer media type ${types || '(no layers)'}` +
        ` (want exactly one ${wasmLayerMediaType} layer)`,
    );
  }
  return { config, layer: layers[0] };
}

/** The manifest bytes `wisp push` uploads, in the CNCF wasm artifact layout. */
export function wasmManifestBytes(m: WasmManifest): Uint8Array {
  const doc = {
    schemaVersion: 2,
    mediaType: ociManifestMediaType,
    config: { mediaType: m.config.mediaType, digest: m.config.digest, size: m.config.size },
    layers: [{ mediaType: m.layer.mediaType, digest: m.layer.digest, size: m.layer.size }],
  };
  return new TextEncoder().encode(JSON.stringify(doc));
}

/**
 * The config blob: what the layout asks for that Wisp can state without parsing the component's
 * WIT (`component`, its imports and exports, is left out). No `created` time either: the same
 * component then always yields the same manifest digest, so pushing it again changes nothing.
 */
export function wasmConfigBytes(layerDigest: string): Uint8Array {
  const doc = {
    architecture: 'wasm',
    os: 'wasip2',
    layerDigests: [layerDigest],
  };
  return new TextEncoder().encode(JSON.stringify(doc));
}

function descriptor(v: unknown, field: string): Descriptor {
  if (!isObject(v)) throw new Error(`manifest ${field}: must be an object`);
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string') throw new Error(`manifest ${field}.mediaType: Required value`);
  if (typeof digest !== 'string') throw new Error(`manifest ${field}.digest: Required value`);
  const problem = digestProblem(digest);
  if (problem) throw new Error(`manifest ${field}.digest: "${digest}" ${problem}`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new Error(`manifest ${field}.size: must be a non-negative integer`);
  }
  return { mediaType, digest, size };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
