/**
 * @wisp/runtime-wasm: the `PodRuntime` for WASI 0.2 components (DESIGN §7) — OCI artifacts or
 * `file://`/`https://` URLs pinned by digest, transpiled once per digest with jco, run in worker
 * threads with our own WASI host: `wasi:cli/run` commands and pooled `wasi:http` services.
 *
 *   import { createWasmRuntime } from '@wisp/runtime-wasm';
 *   const runtime = createWasmRuntime({ cacheDir: join(dataDir, 'wasm') }, { clock });
 *   await runtime.pull('file:///opt/hello.wasm@sha256:…');
 */
export { WasmRuntime, wasmRuntimeClass, type WasmRuntimeInit } from './wasm-runtime.ts';
export {
  createWasmRuntime,
  imageCacheBytesMaxDefault,
  type CreateWasmRuntimeInit,
} from './runtime/create-wasm-runtime.ts';
export type { OutgoingPolicy } from './runtime/engine.ts';
export * from './runtime/wasm-defaults.ts';
export { OutgoingDeniedError, OutgoingHttpError } from './http/outgoing-policy.ts';
