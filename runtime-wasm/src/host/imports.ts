/**
 * The import object for a component transpiled with `--instantiation async`: our WASI 0.2 host
 * for one instance, plus whatever `extra` interfaces the caller adds (wasi:http from HTTP).
 *
 *   const imports = buildImports(ctx, httpImports(httpCtx));
 *   const exports = await instantiate(getCoreModule, imports);
 *
 * jco's generated JS looks interfaces up without a version (`wasi:cli/stdout`) while its types
 * name one (`wasi:cli/stdout@0.2.12`); lookups with any `@version` resolve to the same object, so
 * a component built against any 0.2.x links.
 */
import type { Clock } from '@wisp/core';
import { cliInterfaces } from './wasi/cli.ts';
import { monotonicClock, wallClock } from './wasi/clocks.ts';
import type { FdTracker } from './wasi/descriptor.ts';
import { filesystemInterfaces, type Preopen } from './wasi/filesystem.ts';
import { ioInterfaces, type Sink } from './wasi/io.ts';
import { randomInterfaces } from './wasi/random.ts';
import { socketInterfaces } from './wasi/sockets.ts';

export interface InstanceContext {
  readonly args: readonly string[];
  readonly env: readonly (readonly [string, string])[];
  readonly preopens: readonly Preopen[];
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly clock: Clock;
  readonly fds: FdTracker;
}

export type ImportObject = Record<string, Record<string, unknown>>;

const unversioned = (key: string): string => key.replace(/@[^/@]*$/, '');

function withPackage(pkg: string, interfaces: ImportObject): ImportObject {
  return Object.fromEntries(Object.entries(interfaces).map(([k, v]) => [`${pkg}/${k}`, v]));
}

export function wasiImports(ctx: InstanceContext): ImportObject {
  return {
    ...withPackage('wasi:io', ioInterfaces()),
    ...withPackage('wasi:clocks', {
      'monotonic-clock': monotonicClock(ctx.clock),
      'wall-clock': wallClock(ctx.clock),
    }),
    ...withPackage('wasi:random', randomInterfaces()),
    ...withPackage('wasi:cli', cliInterfaces(ctx)),
    ...withPackage(
      'wasi:filesystem',
      filesystemInterfaces({ preopens: ctx.preopens, fds: ctx.fds, nowMs: () => ctx.clock.now() }),
    ),
    ...withPackage('wasi:sockets', socketInterfaces()),
  };
}

export function buildImports(ctx: InstanceContext, extra?: Record<string, unknown>): ImportObject {
  const table: ImportObject = wasiImports(ctx);
  for (const [key, value] of Object.entries(extra ?? {})) {
    table[unversioned(key)] = value as Record<string, unknown>;
  }
  return new Proxy(table, {
    get: (target, key) => (typeof key === 'string' ? target[unversioned(key)] : undefined),
    has: (target, key) => typeof key === 'string' && unversioned(key) in target,
  });
}
