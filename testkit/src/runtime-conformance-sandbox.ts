/**
 * Runtime conformance: sandboxes (status, list, remove, a restarted runtime) and logs.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { it } from 'node:test';
import type { ConformanceContext } from './runtime-conformance.ts';
import { config, container, exitedOf, sandboxSpec } from './runtime-conformance-helpers.ts';

export function sandboxCases(ctx: ConformanceContext): void {
  const { images } = ctx;

  it('reports undefined status for a sandbox it does not know', async () => {
    const { runtime } = ctx.harness();
    assert.equal(await runtime.status({ id: 'no-such-sandbox', podUid: 'x' }), undefined);
  });

  it('removes an unknown sandbox without error', async () => {
    const { runtime } = ctx.harness();
    await runtime.remove({ id: 'no-such-sandbox', podUid: 'x' });
  });

  it('lists created sandboxes and forgets removed ones, stopping their containers', async () => {
    const { runtime } = ctx.harness();
    await runtime.pull(images.runsForever);
    const spec = sandboxSpec();
    const a = await runtime.createSandbox(spec);
    const b = await runtime.createSandbox(sandboxSpec());
    assert.equal(a.podUid, spec.uid);
    await runtime.start(a, container(images.runsForever), config(ctx.dir(), 'la'));
    const ids = (await runtime.list()).map((r) => r.id);
    assert.ok(ids.includes(a.id) && ids.includes(b.id), ids.join(','));
    await runtime.remove(a);
    assert.equal(await runtime.status(a), undefined);
    assert.ok(!(await runtime.list()).some((r) => r.id === a.id));
    await runtime.remove(a);
  });

  it('lists after a restart only sandboxes whose status it can report', async () => {
    const { runtime } = ctx.harness();
    await runtime.pull(images.runsForever);
    const sandbox = await runtime.createSandbox(sandboxSpec());
    await runtime.start(sandbox, container(images.runsForever), config(ctx.dir(), 'r'));
    await ctx.harness().close();
    const again = await ctx.restart();
    for (const ref of await again.runtime.list()) {
      assert.ok(await again.runtime.status(ref), `listed ${ref.id} has a status`);
    }
    const old = await again.runtime.status(sandbox);
    assert.ok(!old?.containers.some((c) => c.current.state === 'running'), 'nothing runs');
    await again.runtime.remove(sandbox);
  });

  it("writes the container's stdout to its logPath", async () => {
    const { runtime } = ctx.harness();
    await runtime.pull(images.printsHello);
    const sandbox = await runtime.createSandbox(sandboxSpec());
    const cfg = config(ctx.dir(), 'hello');
    const id = await runtime.start(sandbox, container(images.printsHello), cfg);
    await ctx.until('exit', () => exitedOf(runtime, sandbox, id));
    const text = await ctx.until('hello in the log', async () => {
      const t = await readFile(cfg.logPath, 'utf8').catch(() => '');
      return t.includes('hello') ? t : undefined;
    });
    assert.match(text, /stdout/, 'CRI log lines name their stream');
  });
}
