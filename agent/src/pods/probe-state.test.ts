import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContainerProbes } from './probe-state.ts';

const get = { httpGet: { port: 8080, path: '/' } };

describe('ContainerProbes', () => {
  it('waits initialDelaySeconds, then runs each probe every periodSeconds', () => {
    const p = new ContainerProbes(
      { name: 'a', readinessProbe: { ...get, initialDelaySeconds: 5, periodSeconds: 2 } },
      0,
    );
    assert.deepEqual(p.due(4999), []);
    assert.deepEqual(p.due(5000), ['readiness']);
    assert.deepEqual(p.due(5000), [], 'in flight');
    p.record('readiness', true, 5100);
    assert.deepEqual(p.due(7000), []);
    assert.deepEqual(p.due(7100), ['readiness']);
  });

  it('is ready after successThreshold passes and unready after failureThreshold failures', () => {
    const p = new ContainerProbes(
      { name: 'a', readinessProbe: { ...get, successThreshold: 2, failureThreshold: 2 } },
      0,
    );
    assert.equal(p.ready, false, 'not ready before the first pass');
    p.due(0);
    assert.equal(p.record('readiness', true, 0), 'none');
    p.due(10_000);
    assert.equal(p.record('readiness', true, 10_000), 'changed');
    assert.equal(p.ready, true);
    p.due(20_000);
    assert.equal(p.record('readiness', false, 20_000, 'HTTP 500'), 'none');
    p.due(30_000);
    assert.equal(p.record('readiness', false, 30_000, 'HTTP 500'), 'changed');
    assert.equal(p.ready, false);
    assert.equal(p.message, 'HTTP 500');
  });

  it('holds liveness and readiness until the startup probe succeeds', () => {
    const p = new ContainerProbes(
      { name: 'a', startupProbe: get, livenessProbe: get, readinessProbe: get },
      0,
    );
    assert.deepEqual(p.due(0), ['startup']);
    assert.equal(p.started, false);
    assert.equal(p.record('startup', true, 0), 'changed');
    assert.equal(p.started, true);
    assert.deepEqual(p.due(0).sort(), ['liveness', 'readiness']);
  });

  it('asks for a kill after failureThreshold liveness or startup failures', () => {
    const live = new ContainerProbes(
      { name: 'a', livenessProbe: { ...get, failureThreshold: 2 } },
      0,
    );
    live.due(0);
    assert.equal(live.record('liveness', false, 0), 'none');
    live.due(10_000);
    assert.equal(live.record('liveness', false, 10_000), 'kill');
    const start = new ContainerProbes(
      { name: 'a', startupProbe: { ...get, failureThreshold: 1 } },
      0,
    );
    start.due(0);
    assert.equal(start.record('startup', false, 0), 'kill');
  });

  it('is started and ready at once without probes', () => {
    const p = new ContainerProbes({ name: 'a' }, 0);
    assert.equal(p.ready, true);
    assert.deepEqual(p.due(0), []);
  });
});
