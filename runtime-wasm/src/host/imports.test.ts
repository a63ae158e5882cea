import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildImports, type InstanceContext } from './imports.ts';
import { fdTracker } from './wasi/filesystem.ts';
import { ExitSignal } from './wasi/cli.ts';
import type { Clock } from '@wisp/core';

function manualClock(ms: number): Clock {
  const unused = (): never => {
    throw new Error('not used');
  };
  return {
    now: () => ms,
    monotonic: () => ms,
    setTimeout: unused,
    clearTimeout: unused,
    setInterval: unused,
    clearInterval: unused,
    sleep: unused,
    timeoutSignal: unused,
  };
}

const ctx: InstanceContext = {
  args: ['app', '--flag'],
  env: [['A', '1']],
  preopens: [],
  stdout: () => {},
  stderr: () => {},
  clock: manualClock(1_500),
  fds: fdTracker(),
};

type Fn = (...args: unknown[]) => unknown;
const call = (imports: Record<string, Record<string, unknown>>, key: string, fn: string) =>
  imports[key]![fn] as Fn;

describe('buildImports', () => {
  it('answers versioned and unversioned interface names with the same object', () => {
    const imports = buildImports(ctx);
    assert.equal(imports['wasi:cli/environment'], imports['wasi:cli/environment@0.2.3']);
    assert.equal(imports['wasi:io/streams@0.2.12'], imports['wasi:io/streams']);
    assert.ok('wasi:random/random@0.2.0' in imports);
  });

  it('gives the guest only the spec args and env, and no cwd', () => {
    const imports = buildImports(ctx);
    assert.deepEqual(call(imports, 'wasi:cli/environment', 'getArguments')(), ['app', '--flag']);
    assert.deepEqual(call(imports, 'wasi:cli/environment', 'getEnvironment')(), [['A', '1']]);
    assert.equal(call(imports, 'wasi:cli/environment', 'initialCwd')(), undefined);
  });

  it('unwinds the guest on exit with its code', () => {
    const exit = call(buildImports(ctx), 'wasi:cli/exit', 'exitWithCode');
    assert.throws(
      () => exit(3),
      (e) => e instanceof ExitSignal && e.exitCode === 3,
    );
  });

  it('reads time from the injected clock', () => {
    const imports = buildImports(ctx);
    assert.equal(call(imports, 'wasi:clocks/monotonic-clock', 'now')(), 1_500_000_000n);
    assert.deepEqual(call(imports, 'wasi:clocks/wall-clock', 'now')(), {
      seconds: 1n,
      nanoseconds: 500_000_000,
    });
  });

  it('refuses every socket', () => {
    const imports = buildImports(ctx);
    assert.throws(
      () => call(imports, 'wasi:sockets/tcp-create-socket', 'createTcpSocket')('ipv4'),
      (e) => e === 'access-denied',
    );
    assert.throws(
      () => call(imports, 'wasi:sockets/ip-name-lookup', 'resolveAddresses')({}, 'x'),
      (e) => e === 'access-denied',
    );
  });

  it('adds extra interfaces under their unversioned names', () => {
    const handle = { handle: () => undefined };
    const imports = buildImports(ctx, { 'wasi:http/outgoing-handler@0.2.10': handle });
    assert.equal(imports['wasi:http/outgoing-handler@0.2.12'], handle);
  });
});
