/**
 * Runtime conformance: pulling, starting, exit codes and reasons, stopping with a grace period.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ImagePullError } from '@wisp/core';
import type { ConformanceContext } from './runtime-conformance.ts';
import {
  config,
  container,
  exitedOf,
  sandboxSpec,
  stateOf,
} from './runtime-conformance-helpers.ts';

export function lifecycleCases(ctx: ConformanceContext): void {
  const { images } = ctx;

  it('rejects pulling an unknown image with ImagePullError naming the image', async () => {
    const { runtime } = ctx.harness();
    await assert.rejects(runtime.pull(images.missing), (e: unknown) => {
      assert.ok(e instanceof ImagePullError, String(e));
      assert.equal(e.code, 'ERR_IMAGE_PULL');
      assert.equal(e.image, images.missing);
      return true;
    });
  });

  it('pulls an image twice without error', async () => {
    const { runtime } = ctx.harness();
    await runtime.pull(images.runsForever);
    await runtime.pull(images.runsForever);
  });

  it('runs a started container until it is stopped', async () => {
    const { runtime } = ctx.harness();
    await runtime.pull(images.runsForever);
    const sandbox = await runtime.createSandbox(sandboxSpec());
    const id = await runtime.start(sandbox, container(images.runsForever), config(ctx.dir(), 'a'));
    const running = await ctx.until('running', async () => {
      const s = await stateOf(runtime, sandbox, id);
      return s?.state === 'running' ? s : undefined;
    });
    assert.equal(typeof running.startedAtMs, 'number');
    const status = await runtime.status(sandbox);
    assert.equal(status?.containers.length, 1);
    assert.equal(status?.containers[0].name, 'app');
    assert.equal(status?.containers[0].image, images.runsForever);
    await runtime.stop(sandbox, id, { gracePeriodMs: 2000 });
    const s = await ctx.until('exited after stop', () => exitedOf(runtime, sandbox, id));
    assert.ok(s.finishedAtMs >= s.startedAtMs);
  });

  it('reports exit code 0 as Completed', async () => {
    const { runtime } = ctx.harness();
    await runtime.pull(images.exitsZero);
    const sandbox = await runtime.createSandbox(sandboxSpec());
    const id = await runtime.start(sandbox, container(images.exitsZero), config(ctx.dir(), 'z'));
    const s = await ctx.until('exit', () => exitedOf(runtime, sandbox, id));
    assert.equal(s.exitCode, 0);
    assert.equal(s.reason, 'Completed');
  });

  it('reports a non-zero exit code as Error', async () => {
    const { runtime } = ctx.harness();
    await runtime.pull(images.exitsOne);
    const sandbox = await runtime.createSandbox(sandboxSpec());
    const id = await runtime.start(sandbox, container(images.exitsOne), config(ctx.dir(), 'o'));
    const s = await ctx.until('exit', () => exitedOf(runtime, sandbox, id));
    assert.equal(s.exitCode, 1);
    assert.equal(s.reason, 'Error');
  });

  it('gives every start of a container a new id and keeps the exited one', async () => {
    const { runtime } = ctx.harness();
    await runtime.pull(images.exitsOne);
    const sandbox = await runtime.createSandbox(sandboxSpec());
    const first = await runtime.start(sandbox, container(images.exitsOne), config(ctx.dir(), '1'));
    await ctx.until('first exit', () => exitedOf(runtime, sandbox, first));
    const second = await runtime.start(sandbox, container(images.exitsOne), config(ctx.dir(), '2'));
    assert.notEqual(first, second);
    assert.ok(await stateOf(runtime, sandbox, first), 'the exited instance is still reported');
    await ctx.until('second exit', () => exitedOf(runtime, sandbox, second));
  });

  it('treats stopping an exited or unknown container as harmless', async () => {
    const { runtime } = ctx.harness();
    await runtime.pull(images.exitsZero);
    const sandbox = await runtime.createSandbox(sandboxSpec());
    const id = await runtime.start(sandbox, container(images.exitsZero), config(ctx.dir(), 's'));
    const before = await ctx.until('exit', () => exitedOf(runtime, sandbox, id));
    await runtime.stop(sandbox, id, { gracePeriodMs: 100 });
    await runtime.stop(sandbox, 'no-such-container', { gracePeriodMs: 100 });
    assert.deepEqual(await exitedOf(runtime, sandbox, id), before, 'the exit is not rewritten');
  });
}
