/**
 * The wasm runtime wired to the real layers: the image store and the transpile cache under one
 * cache directory, cli instances from the host, http services from the http layer. Only
 * composition roots (`wisp agent`) and integration tests call this.
 *
 *   const runtime = createWasmRuntime({ cacheDir: join(dataDir, 'wasm') }, { clock });
 */
import { join } from 'node:path';
import type { Clock, SandboxSpec } from '@wisp/core';
import { runCommand } from '../host/instance.ts';
import { createModuleCache } from '../host/module-cache.ts';
import { createSpareWorkers } from '../host/spare-workers.ts';
import { createTranspileCache } from '../host/transpile-cache.ts';
import { startHttpService } from '../http/http-service.ts';
import { createImageStore } from '../image/image-store.ts';
import { WasmRuntime, type WasmRuntimeInit } from '../wasm-runtime.ts';
import type { InstanceEngine, OutgoingPolicy } from './engine.ts';

export interface CreateWasmRuntimeInit extends WasmRuntimeInit {
  /** Components (`images/`) and their transpiled output (`transpiled/`) live here. */
  readonly cacheDir: string;
  /** Disk the cached components may use; default 1 GiB. */
  readonly imageCacheBytesMax?: number;
  /** Registries spoken to over plain http (default: loopback only). */
  readonly insecureRegistries?: readonly string[];
}

export interface CreateWasmRuntimeComponents {
  readonly clock: Clock;
  /** The mesh's policy for a pod's outgoing HTTP; default: denied. */
  readonly outgoing?: (pod: SandboxSpec) => OutgoingPolicy;
}

export const imageCacheBytesMaxDefault = 1024 * 1024 * 1024;

export function createWasmRuntime(
  init: CreateWasmRuntimeInit,
  c: CreateWasmRuntimeComponents,
): WasmRuntime {
  const { clock } = c;
  const images = createImageStore(
    {
      cacheDir: join(init.cacheDir, 'images'),
      cacheBytesMax: init.imageCacheBytesMax ?? imageCacheBytesMaxDefault,
      ...(init.insecureRegistries ? { insecureHosts: init.insecureRegistries } : {}),
    },
    { clock },
  );
  const transpiler = createTranspileCache(
    { cacheDir: join(init.cacheDir, 'transpiled') },
    { clock },
  );
  // Compiled modules are shared by the instances of one component (restarts, Job pods); spare
  // threads, started on the first pod start and ended when unused for two minutes, make the next
  // start warm (an idle agent keeps none).
  const modules = createModuleCache();
  const spares = createSpareWorkers({ compileCacheDir: join(init.cacheDir, 'compile') }, { clock });
  const engine: InstanceEngine = {
    runCommand: (spec) => runCommand(spec, { clock, modules, spares }),
    startHttpService: (spec) => startHttpService(spec, { clock, modules, spares }),
    close: () => spares.close(),
  };
  return new WasmRuntime(init, {
    clock,
    images,
    transpiler,
    engine,
    ...(c.outgoing ? { outgoing: c.outgoing } : {}),
  });
}
