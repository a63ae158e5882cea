/**
 * Compiled, memory-capped core modules per (component dir, memory cap), shared by every worker
 * of that component: a WebAssembly.Module crosses into a worker without recompiling, which is
 * most of the cost of starting a large (componentize-js) instance.
 *
 *   const modules = await cache.get(dir, 64 * 1024 * 1024);
 *   startInstanceThread({ ...data, modules }); // posted to the thread, not recompiled
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { capMemory } from './memory-cap.ts';
import { wasm, type WasmModule } from './wasm-api.ts';

export type CompiledModules = Readonly<Record<string, WasmModule>>;

export interface ModuleCacheInit {
  /** Compiled components kept; the least recently used is dropped past this. */
  readonly entriesMax?: number;
}

export interface ModuleCache {
  get(componentDir: string, memoryBytesMax: number): Promise<CompiledModules>;
}

async function compileDir(dir: string, memoryBytesMax: number): Promise<CompiledModules> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.wasm'));
  const compiled = await Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(dir, name));
      return [name, await wasm.compile(capMemory(bytes, memoryBytesMax))] as const;
    }),
  );
  return Object.fromEntries(compiled);
}

export function createModuleCache(init: ModuleCacheInit = {}): ModuleCache {
  const entriesMax = init.entriesMax ?? 16;
  const entries = new Map<string, Promise<CompiledModules>>();
  return {
    get(componentDir, memoryBytesMax) {
      const key = `${memoryBytesMax}:${componentDir}`;
      let entry = entries.get(key);
      if (entry) entries.delete(key);
      else {
        entry = compileDir(componentDir, memoryBytesMax);
        // A failed compile is not kept: the next caller tries again and sees its own error.
        entry.catch(() => entries.delete(key));
      }
      entries.set(key, entry);
      while (entries.size > entriesMax) entries.delete(entries.keys().next().value!);
      return entry;
    },
  };
}
