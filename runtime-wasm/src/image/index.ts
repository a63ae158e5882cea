/**
 * Images for wasm pods: references, the OCI registry client (CNCF wasm artifact layout), the
 * verified blob cache and `pushComponent`.
 *
 *   const images = createImageStore({ cacheDir, cacheBytesMax }, { clock });
 *   const { digest, path } = await images.pull('127.0.0.1:5000/hello:v1');
 */
export { createImageStore } from './image-store.ts';
export type {
  ImageStore,
  ImageStoreInit,
  ImageStoreComponents,
  PulledImage,
} from './image-store.ts';
export { parseImageRef, formatImageRef } from './image-ref.ts';
export type { ImageRef, RegistryImageRef, UrlImageRef } from './image-ref.ts';
export { ImageRefError, ImagePushError, RegistryError } from './image-errors.ts';
export { pushComponent } from './push-component.ts';
export type { PushResult } from './push-component.ts';
export { componentProblem } from './component-header.ts';
export { defaultInsecureHosts } from './registry-endpoint.ts';
export type { Fetch } from './registry-http.ts';
