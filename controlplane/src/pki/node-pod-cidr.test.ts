import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, MemoryStore } from '@wisp/testkit';
import {
  createPodCidrAllocator,
  podCidrNodePrefix,
  podCidrRecordPrefix,
  PodCidrExhaustedError,
} from './node-pod-cidr.ts';

function setup(init = {}) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  return { store, cidrs: createPodCidrAllocator(init, { store, clock }) };
}

describe('createPodCidrAllocator', () => {
  it('hands each node its own /24 from 10.42.0.0/16, lowest first', async () => {
    const { cidrs } = setup();
    assert.equal(await cidrs.allocate('a'), '10.42.0.0/24');
    assert.equal(await cidrs.allocate('b'), '10.42.1.0/24');
    assert.equal(await cidrs.lookup('b'), '10.42.1.0/24');
    assert.equal(await cidrs.lookup('c'), undefined);
  });

  it('gives a node that joins again the CIDR it had', async () => {
    const { cidrs } = setup();
    await cidrs.allocate('a');
    const b = await cidrs.allocate('b');
    assert.equal(await cidrs.allocate('b'), b);
  });

  it('keeps one CIDR per name when the same node joins twice at once', async () => {
    const { cidrs, store } = setup();
    const got = await Promise.all([cidrs.allocate('a'), cidrs.allocate('a'), cidrs.allocate('a')]);
    assert.equal(new Set(got).size, 1);
    assert.equal((await store.list(podCidrRecordPrefix)).items.length, 1);
  });

  it('never hands one CIDR to two nodes joining at once', async () => {
    const { cidrs } = setup();
    const got = await Promise.all(['a', 'b', 'c', 'd'].map((n) => cidrs.allocate(n)));
    assert.equal(new Set(got).size, 4);
  });

  it('reuses a CIDR record left without its name index by a crash', async () => {
    const { cidrs, store } = setup();
    await cidrs.allocate('a');
    await store.delete(`${podCidrNodePrefix}a`);
    assert.equal(await cidrs.allocate('a'), '10.42.0.0/24');
  });

  it('fails with a named error when the cluster CIDR is used up', async () => {
    const { cidrs } = setup({ clusterCidr: '10.42.0.0/23' });
    await cidrs.allocate('a');
    await cidrs.allocate('b');
    await assert.rejects(cidrs.allocate('c'), PodCidrExhaustedError);
  });
});
