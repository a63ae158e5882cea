import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, MemoryStore } from '@wisp/testkit';
import { createNodeRevocations, revokedNodePrefix } from './node-revocations.ts';
import type { NodeRevocation } from './node-revocations.ts';

function setup() {
  const clock = new FakeClock();
  const store = new MemoryStore();
  return { clock, store, make: () => createNodeRevocations({}, { store, clock }) };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((ok) => setImmediate(ok));
  assert.ok(check(), 'condition never held');
}

describe('createNodeRevocations', () => {
  it('refuses a node from the moment it is revoked', async () => {
    const { make } = setup();
    const r = make();
    await r.start();
    assert.equal(r.isRevoked('edge-1'), false);
    await r.revoke('edge-1');
    assert.equal(r.isRevoked('edge-1'), true);
    assert.equal(r.isRevoked('edge-2'), false);
    await r.stop();
  });

  it('keeps the first record when a node is revoked twice', async () => {
    const { make, clock } = setup();
    const r = make();
    await r.start();
    const first = await r.revoke('edge-1');
    clock.advance(5000);
    assert.deepEqual(await r.revoke('edge-1'), first);
    await r.stop();
  });

  it('learns revocations written by another server through the store watch', async () => {
    const { make } = setup();
    const a = make();
    const b = make();
    await a.start();
    await b.start();
    const heard: NodeRevocation[] = [];
    b.onRevoked((rev) => heard.push(rev));
    await a.revoke('edge-9');
    await until(() => b.isRevoked('edge-9'));
    assert.deepEqual(
      heard.map((h) => h.nodeName),
      ['edge-9'],
    );
    await a.stop();
    await b.stop();
  });

  it('loads revocations that exist before it starts, and forgets a deleted one', async () => {
    const { make, store } = setup();
    await make().revoke('old');
    const r = make();
    await r.start();
    assert.equal(r.isRevoked('old'), true);
    await store.delete(`${revokedNodePrefix}old`);
    await until(() => !r.isRevoked('old'));
    await r.stop();
  });
});
