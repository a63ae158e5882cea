import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isJsonObject, type JsonValue } from './json-value.ts';
import { applyMergePatch } from './merge-patch.ts';
import { isPatchError, type PatchError } from './patch-error.ts';
import { keyed, mergedSet } from './schema/builders.ts';
import { rootSlot, type TypeTable } from './schema/schema.ts';
import { applyStrategicMergePatch, strategicMerge } from './strategic-merge-patch.ts';

/** The shape of upstream's strategicpatch tests: lists that merge by name and lists that don't. */
const ITEM_TYPES: TypeTable = {
  Item: {
    fields: {
      mergingList: keyed('Item', 'name'),
      nonMergingList: { type: 'Item' },
      mergingIntList: mergedSet,
      replacingItem: { patchStrategy: 'replace' },
      retainKeysMap: { type: 'Item', patchStrategy: 'retainKeys' },
    },
  },
};
const item = rootSlot(ITEM_TYPES, 'Item');

interface Case {
  name: string;
  original: unknown;
  patch: unknown;
  want: unknown;
}

/** Behaviour of k8s.io/apimachinery/pkg/util/strategicpatch, restated on the Item shape. */
const CASES: Case[] = [
  {
    name: 'merges maps of a merging list by their merge key',
    original: {
      mergingList: [
        { name: 'a', value: 1 },
        { name: 'b', value: 2 },
      ],
    },
    patch: { mergingList: [{ name: 'b', other: 'x' }] },
    want: {
      mergingList: [
        { name: 'a', value: 1 },
        { name: 'b', value: 2, other: 'x' },
      ],
    },
  },
  {
    name: 'replaces a list without a merge strategy',
    original: { nonMergingList: [{ name: 'a' }, { name: 'b' }] },
    patch: { nonMergingList: [{ name: 'c' }] },
    want: { nonMergingList: [{ name: 'c' }] },
  },
  {
    name: 'deletes an item with $patch: delete',
    original: { mergingList: [{ name: 'a' }, { name: 'b', value: 2 }, { name: 'c' }] },
    patch: { mergingList: [{ name: 'b', $patch: 'delete' }] },
    want: { mergingList: [{ name: 'a' }, { name: 'c' }] },
  },
  {
    name: 'deletes every duplicate of an item with $patch: delete',
    original: { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }] },
    patch: {
      mergingList: [
        { name: 1, $patch: 'delete' },
        { name: 3, $patch: 'delete' },
      ],
    },
    want: { mergingList: [{ name: 2, value: 'a' }] },
  },
  {
    name: 'replaces a whole merging list with a $patch: replace item',
    original: { mergingList: [{ name: 'a' }, { name: 'b' }] },
    patch: { mergingList: [{ name: 'c' }, { $patch: 'replace' }] },
    want: { mergingList: [{ name: 'c' }] },
  },
  {
    name: 'replaces a map with $patch: replace',
    original: { name: 1, value: 1 },
    patch: { other: 'a', $patch: 'replace' },
    want: { other: 'a' },
  },
  {
    name: 'empties a nested map with $patch: delete',
    original: { simpleMap: { key1: 1, key2: 1 } },
    patch: { simpleMap: { $patch: 'delete' } },
    want: { simpleMap: {} },
  },
  {
    name: 'deletes a key set to null and merges other maps as merge patch does',
    original: { simpleMap: { a: 1, b: 2 }, value: 'v' },
    patch: { simpleMap: { a: null, c: 3 }, value: null },
    want: { simpleMap: { b: 2, c: 3 } },
  },
  {
    name: 'unions a merging list of scalars',
    original: { mergingIntList: [1, 2] },
    patch: { mergingIntList: [2, 3] },
    want: { mergingIntList: [1, 2, 3] },
  },
  {
    name: 'puts new items before live ones when no order is given',
    original: { mergingIntList: [1, 2] },
    patch: { mergingIntList: [3] },
    want: { mergingIntList: [3, 1, 2] },
  },
  {
    name: 'deletes scalars with $deleteFromPrimitiveList',
    original: { mergingIntList: [1, 2, 3] },
    patch: { '$deleteFromPrimitiveList/mergingIntList': [2, 9] },
    want: { mergingIntList: [1, 3] },
  },
  {
    name: 'does not create a list from $deleteFromPrimitiveList',
    original: { foo: ['bar'] },
    patch: { '$deleteFromPrimitiveList/mergingIntList': [3] },
    want: { foo: ['bar'] },
  },
  {
    name: 'orders a merging list by $setElementOrder, keeping server-only items in place',
    original: {
      mergingList: [{ name: 1, other: 'a' }, { name: 2 }, { name: 7 }, { name: 9 }, { name: 3 }],
    },
    patch: { '$setElementOrder/mergingList': [{ name: 2 }, { name: 1 }, { name: 3 }] },
    want: {
      mergingList: [{ name: 2 }, { name: 1, other: 'a' }, { name: 7 }, { name: 9 }, { name: 3 }],
    },
  },
  {
    name: 'adds and orders with $setElementOrder',
    original: { mergingList: [{ name: 1 }, { name: 3 }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }],
      mergingList: [{ name: 2, value: 2 }],
    },
    want: { mergingList: [{ name: 3 }, { name: 2, value: 2 }, { name: 1 }] },
  },
  {
    name: 'places added items where a deleted item was, as kubectl sees it',
    original: { mergingList: [{ name: 1 }, { name: 2, other: 'b' }, { name: 4, other: 'c' }] },
    patch: {
      '$setElementOrder/mergingList': [{ name: 2 }, { name: 3 }],
      mergingList: [{ name: 3 }, { name: 1, $patch: 'delete' }],
    },
    want: { mergingList: [{ name: 2, other: 'b' }, { name: 4, other: 'c' }, { name: 3 }] },
  },
  {
    name: 'orders a merging list of scalars by $setElementOrder',
    original: { mergingIntList: [1, 3, 2] },
    patch: { '$setElementOrder/mergingIntList': [2, 3, 1] },
    want: { mergingIntList: [2, 3, 1] },
  },
  {
    name: 'keeps the patch order for items without $setElementOrder',
    original: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    patch: {
      mergingList: [
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
      ],
    },
    want: {
      mergingList: [
        { name: 2, value: 'b' },
        { name: 3, value: 'c' },
        { name: 1, value: 'a' },
      ],
    },
  },
  {
    name: 'clears keys missing from $retainKeys',
    original: { retainKeysMap: { name: 'foo', value: 'a', other: 'b' } },
    patch: { retainKeysMap: { $retainKeys: ['name', 'other'], other: 'c' } },
    want: { retainKeysMap: { name: 'foo', other: 'c' } },
  },
  {
    name: 'replaces a field with the replace strategy instead of merging it',
    original: { replacingItem: { a: 1, b: 2 } },
    patch: { replacingItem: { c: 3 } },
    want: { replacingItem: { c: 3 } },
  },
  {
    name: 'takes a value of another shape as is, without directives or null members',
    original: { simpleMap: 'scalar' },
    patch: { simpleMap: { a: 1, b: null, c: { $patch: 'delete' } }, added: { x: null, y: [1] } },
    want: { simpleMap: { a: 1 }, added: { y: [1] } },
  },
];

/** The value at a dotted path of a JSON document. */
function at(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], doc);
}

function patchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (isPatchError(e)) return e;
    throw e;
  }
  assert.fail('expected a PatchError');
}

describe('strategicMerge', () => {
  for (const c of CASES) {
    it(c.name, () => {
      assert.deepEqual(strategicMerge(c.original, c.patch, item), c.want);
    });
  }

  it('does not change its inputs', () => {
    const original = { mergingList: [{ name: 'a', value: 1 }] };
    const patch = { mergingList: [{ name: 'a', $patch: 'delete' }], $retainKeys: ['mergingList'] };
    const before = structuredClone([original, patch]);
    strategicMerge(original, patch, item);
    assert.deepEqual([original, patch], before);
  });

  it('rejects a patch item without the merge key, naming the list', () => {
    const e = patchError(() =>
      strategicMerge({ mergingList: [{ name: 1 }] }, { mergingList: [{ value: 'b' }] }, item),
    );
    assert.equal(e.status, 400);
    assert.match(e.message, /^mergingList: .*does not contain declared merge key: name/);
  });

  it('rejects a patch list that contradicts its $setElementOrder', () => {
    const e = patchError(() =>
      strategicMerge(
        { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
        {
          '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }],
          mergingList: [{ name: 3 }, { name: 1 }],
        },
        item,
      ),
    );
    assert.match(e.message, /doesn't match \$setElementOrder/);
  });

  it('rejects setting a key that $retainKeys does not retain', () => {
    const e = patchError(() =>
      strategicMerge({ retainKeysMap: {} }, { retainKeysMap: { $retainKeys: ['a'], b: 1 } }, item),
    );
    assert.equal(e.status, 400);
    assert.match(e.message, /^retainKeysMap: invalid patch format of retainKeys/);
  });

  it('rejects unknown $patch values and $patch: merge in a list', () => {
    assert.match(
      patchError(() => strategicMerge({}, { $patch: 'frob' }, item)).message,
      /unknown patch type/,
    );
    const e = patchError(() =>
      strategicMerge(
        { mergingList: [{ name: 1 }] },
        { mergingList: [{ name: 1, $patch: 'merge' }] },
        item,
      ),
    );
    assert.match(e.message, /merging lists cannot yet be specified/);
  });

  it('answers a list of lists in a merging list as 422', () => {
    const e = patchError(() =>
      strategicMerge({ mergingIntList: [[1]] }, { mergingIntList: [[2]] }, item),
    );
    assert.equal(e.status, 422);
  });

  it('rejects a patch that is not an object', () => {
    assert.equal(patchError(() => strategicMerge({}, [1], item)).status, 400);
  });
});

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
const POD = { apiVersion: 'v1', kind: 'Pod' };

function deployment(containers: unknown[], more: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', finalizers: ['a'] },
    spec: { replicas: 1, template: { spec: { containers, ...more } } },
  };
}

describe('applyStrategicMergePatch on built-in kinds', () => {
  it('merges containers by name and their env and ports by key', () => {
    const live = deployment([
      {
        name: 'web',
        image: 'nginx:1.26',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80 }],
      },
      { name: 'sidecar', image: 'envoy' },
    ]);
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx:1.27',
                env: [{ name: 'B', value: '3' }],
                ports: [{ containerPort: 443 }],
              },
            ],
          },
        },
      },
    };
    const out = applyStrategicMergePatch(live, patch, DEPLOYMENT);
    assert.deepEqual(at(out, 'spec.template.spec.containers'), [
      {
        name: 'web',
        image: 'nginx:1.27',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
        ],
        // Without $setElementOrder new items go before the live ones, as upstream does.
        ports: [{ containerPort: 443 }, { containerPort: 80 }],
      },
      { name: 'sidecar', image: 'envoy' },
    ]);
  });

  it('deletes a container and reorders the rest as kubectl apply sends it', () => {
    const live = deployment([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }],
            containers: [{ name: 'b', $patch: 'delete' }],
          },
        },
      },
    };
    const out = applyStrategicMergePatch(live, patch, DEPLOYMENT);
    assert.deepEqual(at(out, 'spec.template.spec.containers'), [{ name: 'c' }, { name: 'a' }]);
  });

  it('replaces tolerations (atomic) but merges volumes and volume mounts', () => {
    const live = deployment([{ name: 'a', volumeMounts: [{ mountPath: '/x', name: 'v1' }] }], {
      tolerations: [{ key: 'k1' }, { key: 'k2' }],
      volumes: [{ name: 'v1', emptyDir: {} }],
    });
    const patch = {
      spec: {
        template: {
          spec: {
            tolerations: [{ key: 'k3' }],
            volumes: [{ name: 'v2', configMap: { name: 'cm' } }],
            containers: [{ name: 'a', volumeMounts: [{ mountPath: '/y', name: 'v2' }] }],
          },
        },
      },
    };
    const out = applyStrategicMergePatch(live, patch, DEPLOYMENT);
    assert.deepEqual(at(out, 'spec.template.spec.tolerations'), [{ key: 'k3' }]);
    assert.deepEqual(
      (at(out, 'spec.template.spec.volumes') as { name: string }[]).map((v) => v.name),
      ['v2', 'v1'],
    );
    assert.deepEqual(
      (at(out, 'spec.template.spec.containers.0.volumeMounts') as { mountPath: string }[]).map(
        (m) => m.mountPath,
      ),
      ['/y', '/x'],
    );
  });

  it('switches a volume source with $retainKeys', () => {
    const live = deployment([], { volumes: [{ name: 'v', emptyDir: {} }] });
    const patch = {
      spec: {
        template: {
          spec: {
            volumes: [{ name: 'v', $retainKeys: ['name', 'configMap'], configMap: { name: 'c' } }],
          },
        },
      },
    };
    const out = applyStrategicMergePatch(live, patch, DEPLOYMENT);
    assert.deepEqual(at(out, 'spec.template.spec.volumes'), [
      { name: 'v', configMap: { name: 'c' } },
    ]);
  });

  it('switches a Deployment strategy type with $retainKeys', () => {
    const live = {
      ...deployment([]),
      spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
    };
    const patch = { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } };
    const out = applyStrategicMergePatch(live, patch, DEPLOYMENT);
    assert.deepEqual(at(out, 'spec.strategy'), { type: 'Recreate' });
  });

  it('merges finalizers as a set and owner references by uid', () => {
    const live = {
      ...deployment([]),
      metadata: { name: 'web', finalizers: ['a'], ownerReferences: [{ uid: '1', name: 'x' }] },
    };
    const patch = {
      metadata: {
        finalizers: ['b'],
        ownerReferences: [
          { uid: '1', controller: true },
          { uid: '2', name: 'y' },
        ],
      },
    };
    const out = applyStrategicMergePatch(live, patch, DEPLOYMENT);
    assert.deepEqual(at(out, 'metadata.finalizers'), ['b', 'a']);
    assert.deepEqual(at(out, 'metadata.ownerReferences'), [
      { uid: '1', name: 'x', controller: true },
      { uid: '2', name: 'y' },
    ]);
  });

  it('merges pod conditions by type and service ports by port', () => {
    const pod = {
      status: {
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'PodScheduled', status: 'True' },
        ],
      },
    };
    const out = applyStrategicMergePatch(
      pod,
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      POD,
    );
    assert.deepEqual(at(out, 'status.conditions'), [
      { type: 'Ready', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ]);
    const svc = { spec: { ports: [{ port: 80, targetPort: 8080 }] } };
    const svcOut = applyStrategicMergePatch(
      svc,
      { spec: { ports: [{ port: 80, name: 'http' }] } },
      { apiVersion: 'v1', kind: 'Service' },
    );
    assert.deepEqual(at(svcOut, 'spec.ports'), [{ port: 80, targetPort: 8080, name: 'http' }]);
  });

  it('replaces RBAC subjects whole', () => {
    const rb = { subjects: [{ kind: 'User', name: 'a' }] };
    const out = applyStrategicMergePatch(
      rb,
      { subjects: [{ kind: 'User', name: 'b' }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
    );
    assert.deepEqual(out, { subjects: [{ kind: 'User', name: 'b' }] });
  });

  it('answers kinds without patch metadata as 415, as for custom resources', () => {
    const e = patchError(() =>
      applyStrategicMergePatch({}, {}, { apiVersion: 'example.com/v1', kind: 'Widget' }),
    );
    assert.equal(e.code, 'ERR_UNSUPPORTED_MEDIA_TYPE');
    assert.equal(e.status, 415);
  });
});

/** Removes `$` keys and null members inside lists, which merge patch and SMP treat differently. */
function plainPatch(v: JsonValue, inList = false): JsonValue {
  if (Array.isArray(v)) return v.map((x) => plainPatch(x, true));
  if (!isJsonObject(v)) return v;
  const out: Record<string, JsonValue> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$') || (inList && x === null)) continue;
    Object.defineProperty(out, k, {
      value: plainPatch(x, inList),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

describe('strategicMerge properties', () => {
  const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);
  const object = fc
    .dictionary(fc.string(), json)
    .map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);

  it('agrees with JSON merge patch where no metadata or directive applies', () => {
    const untyped = rootSlot({}, undefined);
    fc.assert(
      fc.property(object, object, (doc, rawPatch) => {
        const patch = plainPatch(rawPatch);
        assert.deepEqual(strategicMerge(doc, patch, untyped), applyMergePatch(doc, patch));
      }),
      { numRuns: 300 },
    );
  });
});
