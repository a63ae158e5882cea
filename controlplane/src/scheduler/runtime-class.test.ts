import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  nodeHasRuntime,
  resolveRuntimeClass,
  RUNTIMES_LABEL,
  runtimesLabelValue,
} from './runtime-class.ts';
import { node, pod } from './test-support.ts';
import type { RuntimeClass } from './types.ts';

describe('nodeHasRuntime', () => {
  const cases: [string, string | undefined, string, boolean][] = [
    ['finds a handler in a dotted list', 'wasm.oci', 'oci', true],
    ['finds the only handler', 'wasm', 'wasm', true],
    ['accepts underscores and commas as separators', 'oci_wasm,runc', 'runc', true],
    ['does not match a prefix', 'wasmtime', 'wasm', false],
    ['a node without the label has no handlers', undefined, 'wasm', false],
  ];
  for (const [name, label, handler, want] of cases) {
    it(name, () => {
      const labels: Record<string, string> = label === undefined ? {} : { [RUNTIMES_LABEL]: label };
      assert.equal(nodeHasRuntime(node('n', undefined, { labels }), handler), want);
    });
  }

  it('writes a list that is a valid label value', () => {
    assert.equal(runtimesLabelValue(['wasm', 'oci']), 'wasm.oci');
  });
});

describe('resolveRuntimeClass', () => {
  const rc: RuntimeClass = {
    metadata: { name: 'edge-wasm' },
    handler: 'wasm',
    scheduling: { nodeSelector: { pool: 'a' }, tolerations: [{ operator: 'Exists' }] },
  };
  const lookup = (name: string) => (name === 'edge-wasm' ? rc : undefined);

  it('needs nothing for a pod without runtimeClassName', () => {
    assert.deepEqual(resolveRuntimeClass(pod('p'), lookup), { tolerations: [] });
  });
  it('takes the handler, node selector and tolerations of the RuntimeClass', () => {
    const p = pod('p', undefined, { spec: { runtimeClassName: 'edge-wasm' } });
    assert.deepEqual(resolveRuntimeClass(p, lookup), {
      handler: 'wasm',
      nodeSelector: { pool: 'a' },
      tolerations: [{ operator: 'Exists' }],
    });
  });
  it('names a missing RuntimeClass as the apiserver would', () => {
    const p = pod('p', undefined, { spec: { runtimeClassName: 'gvisor' } });
    assert.deepEqual(resolveRuntimeClass(p, lookup), {
      missing: 'runtimeclass.node.k8s.io "gvisor" not found',
    });
  });
});
