/**
 * The CNCF TAG Runtime "Wasm OCI Artifact layout": an OCI image manifest whose config carries the
 * wasm config media type and whose single layer is the component itself.
 */
export const ociManifestMediaType = 'application/vnd.oci.image.manifest.v1+json';
export const wasmConfigMediaType = 'application/vnd.wasm.config.v0+json';
export const wasmLayerMediaType = 'application/wasm';
