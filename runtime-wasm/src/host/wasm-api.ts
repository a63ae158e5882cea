/**
 * Typed access to the global `WebAssembly` object: the repository's `lib` has no DOM types, so
 * TypeScript only knows the namespace, not its values. Declares just what the host uses.
 *
 *   const module = await wasm.compile(bytes);
 */
export interface WasmModule {
  readonly [Symbol.toStringTag]: string;
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
export interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(
    bytes: Uint8Array,
    imports?: object,
  ): Promise<{ module: WasmModule; instance: WasmInstance }>;
  instantiate(module: WasmModule, imports?: object): Promise<WasmInstance>;
  validate(bytes: Uint8Array): boolean;
  readonly Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports?: object) => WasmInstance;
  readonly RuntimeError: new (message?: string) => Error;
}

export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
export const isWasmMemory = (v: unknown): v is WasmMemory =>
  v instanceof (wasm.Memory as unknown as new () => object);
