/**
 * The PodRuntime conformance suite (STYLE rule 3): FakeRuntime, the wasm runtime and later the
 * oci runtime register it from their own test files and pass every case unchanged. Time is the
 * harness's: `tick()` advances a fake clock or waits a little on the real one, so the same cases
 * drive scripted and real containers.
 *
 *   runtimeConformance('fake', async (dir) => {
 *     const clock = new FakeClock();
 *     const runtime = new FakeRuntime({ clock, stateDir: dir, behaviours });
 *     return { runtime, tick: () => clock.advanceAsync(100), close: () => runtime.close() };
 *   }, { runsForever: 'web', exitsZero: 'done', exitsOne: 'crash', printsHello: 'hello',
 *        missing: 'missing' });
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe } from 'node:test';
import type { PodRuntime } from '@wisp/core';
import { lifecycleCases } from './runtime-conformance-lifecycle.ts';
import { sandboxCases } from './runtime-conformance-sandbox.ts';

export interface RuntimeHarness {
  readonly runtime: PodRuntime;
  /** Lets container time pass: a fake clock step, or a short real wait. */
  tick(): Promise<void>;
  /** Stops every instance the runtime holds. */
  close(): Promise<void>;
}

/** Image references with known behaviour for the runtime under test. */
export interface ConformanceImages {
  /** Runs until stopped. */
  readonly runsForever: string;
  /** Exits 0 on its own soon after starting. */
  readonly exitsZero: string;
  /** Exits 1 on its own soon after starting. */
  readonly exitsOne: string;
  /** Prints `hello` on stdout, then exits 0. */
  readonly printsHello: string;
  /** Cannot be pulled. */
  readonly missing: string;
}

export interface ConformanceOptions {
  /** Ticks a case waits for a container to change state before failing; default 200. */
  readonly ticksMax?: number;
}

/** Makes a fresh runtime keeping its state (if any) under `dir`; called twice for restarts. */
export type MakeRuntime = (dir: string) => Promise<RuntimeHarness>;

export interface ConformanceContext {
  readonly images: ConformanceImages;
  /** The runtime of the current case. */
  harness(): RuntimeHarness;
  /** The case's directory (state, log files). */
  dir(): string;
  /** A second runtime on the same directory, as after an agent restart. */
  restart(): Promise<RuntimeHarness>;
  /** Ticks until `probe` returns a value; fails after `ticksMax` ticks. */
  until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T>;
}

export function runtimeConformance(
  name: string,
  makeRuntime: MakeRuntime,
  images: ConformanceImages,
  options: ConformanceOptions = {},
): void {
  describe(`PodRuntime conformance: ${name}`, () => {
    let current: RuntimeHarness | undefined;
    let caseDir = '';
    const extra: RuntimeHarness[] = [];
    const ticksMax = options.ticksMax ?? 200;
    beforeEach(async () => {
      caseDir = await mkdtemp(join(tmpdir(), 'wisp-runtime-conf-'));
      current = await makeRuntime(caseDir);
    });
    afterEach(async () => {
      for (const h of [current, ...extra.splice(0)]) await h?.close();
      current = undefined;
      await rm(caseDir, { recursive: true, force: true });
    });
    after(async () => {
      for (const h of extra.splice(0)) await h.close();
    });
    const harness = (): RuntimeHarness => {
      if (!current) throw new Error('no runtime: makeRuntime() has not run for this case');
      return current;
    };
    const ctx: ConformanceContext = {
      images,
      harness,
      dir: () => caseDir,
      async restart() {
        const h = await makeRuntime(caseDir);
        extra.push(h);
        return h;
      },
      async until(what, probe) {
        for (let i = 0; i < ticksMax; i++) {
          const v = await probe();
          if (v !== undefined) return v;
          await harness().tick();
        }
        throw new Error(`after ${ticksMax} ticks: ${what}`);
      },
    };
    lifecycleCases(ctx);
    sandboxCases(ctx);
  });
}
