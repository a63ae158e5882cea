import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@wisp/api';
import { PodRules, fail, neverReady, runFor, runForever } from './pod-rules.ts';

const pod = (name: string, image: string, namespace = 'default'): KubeObject => ({
  metadata: { name, namespace },
  spec: { containers: [{ name: 'main', image }] },
});

describe('PodRules', () => {
  it('runs a pod no rule matches forever', () => {
    assert.deepEqual(new PodRules().behaviourFor(pod('web-1', 'web:1')), runForever());
  });

  it('matches by name pattern, exact image, image pattern and namespace', () => {
    const rules = new PodRules();
    rules.add({ podName: /^batch-/, behaviour: runFor(3000) });
    rules.add({ image: 'registry.local/fail:1', behaviour: fail() });
    rules.add({ image: /:slow$/, behaviour: neverReady() });
    rules.add({ namespace: 'jobs', podName: 'x', behaviour: runFor(1, 7) });
    assert.deepEqual(rules.behaviourFor(pod('batch-abc', 'b:1')), runFor(3000));
    assert.deepEqual(rules.behaviourFor(pod('a', 'registry.local/fail:1')), fail());
    assert.deepEqual(rules.behaviourFor(pod('a', 'registry.local/fail:10')), runForever());
    assert.deepEqual(rules.behaviourFor(pod('a', 'web:slow')), neverReady());
    assert.deepEqual(rules.behaviourFor(pod('x', 'web:1', 'jobs')), runFor(1, 7));
    assert.deepEqual(rules.behaviourFor(pod('x', 'web:1', 'default')), runForever());
  });

  it('lets the most recently added matching rule win, until it is removed', () => {
    const rules = new PodRules();
    rules.add({ podName: /^web-/, behaviour: runFor(1000) });
    const remove = rules.add({ podName: /^web-1$/, behaviour: fail(5) });
    assert.deepEqual(rules.behaviourFor(pod('web-1', 'w')), fail(5));
    assert.deepEqual(rules.behaviourFor(pod('web-2', 'w')), runFor(1000));
    remove();
    assert.deepEqual(rules.behaviourFor(pod('web-1', 'w')), runFor(1000));
    rules.clear();
    assert.deepEqual(rules.behaviourFor(pod('web-1', 'w')), runForever());
  });

  it('matches a global pattern the same way every time', () => {
    const rules = new PodRules();
    rules.add({ podName: /web/g, behaviour: fail() });
    for (let i = 0; i < 3; i++) assert.deepEqual(rules.behaviourFor(pod('web-1', 'w')), fail());
  });
});
