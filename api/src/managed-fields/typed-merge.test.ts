import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '../patch/json-value.ts';
import { rootSlot } from '../patch/schema/schema.ts';
import { compareTyped } from './typed-compare.ts';
import { mergeTyped } from './typed-merge.ts';

const slot = rootSlot(
  {
    Root: {
      fields: {
        list: { listType: 'map', listMapKeys: ['key', 'id'] },
        set: { listType: 'set' },
        atomic: {},
      },
    },
  },
  'Root',
);

const items = (...ids: [string, number][]) => ids.map(([key, id]) => ({ key, id }));

/** Live list, applied list, merged list: structured-merge-diff's ordering rules. */
const LIST_CASES: [string, JsonValue, JsonValue, JsonValue][] = [
  [
    'appends a new item after live ones',
    items(['a', 1], ['b', 1]),
    items(['a', 1], ['a', 2]),
    items(['a', 1], ['b', 1], ['a', 2]),
  ],
  [
    'puts applied items around a live one in applied order',
    items(['b', 2]),
    items(['a', 1], ['b', 2], ['c', 3]),
    items(['a', 1], ['b', 2], ['c', 3]),
  ],
  [
    'keeps a live-only item first and reorders applied ones',
    items(['a', 1], ['b', 2], ['c', 3]),
    items(['c', 3], ['b', 2]),
    items(['a', 1], ['c', 3], ['b', 2]),
  ],
  [
    'moves shared items to the applied order',
    items(['a', 1], ['b', 2], ['c', 3]),
    items(['c', 3], ['a', 1]),
    items(['b', 2], ['c', 3], ['a', 1]),
  ],
  [
    'keeps a live list an empty apply does not touch',
    items(['a', 1], ['a', 1]),
    [],
    items(['a', 1], ['a', 1]),
  ],
];

describe('mergeTyped', () => {
  for (const [name, live, applied, want] of LIST_CASES) {
    it(name, () => {
      assert.deepEqual(mergeTyped({ list: live }, { list: applied }, slot), { list: want });
    });
  }

  it('collapses live duplicates into the applied item', () => {
    const live: JsonValue = [
      { key: 'a', id: 1, bv: true },
      { key: 'b', id: 2 },
      { key: 'a', id: 1, nv: 2 },
    ];
    const applied: JsonValue = [
      { key: 'a', id: 1, nv: 3 },
      { key: 'c', id: 3 },
      { key: 'b', id: 2 },
    ];
    assert.deepEqual(mergeTyped({ list: live }, { list: applied }, slot), {
      list: [
        { key: 'a', id: 1, nv: 3 },
        { key: 'c', id: 3 },
        { key: 'b', id: 2 },
      ],
    });
  });

  it('unions sets and replaces atomic lists', () => {
    assert.deepEqual(
      mergeTyped({ set: ['a', 'b'], atomic: [1, 2] }, { set: ['c'], atomic: [3] }, slot),
      {
        set: ['a', 'b', 'c'],
        atomic: [3],
      },
    );
  });
});

describe('compareTyped', () => {
  it('reports added items and their fields, modified leaves and removed fields', () => {
    const c = compareTyped(
      { list: [{ key: 'a', id: 1, v: 1 }], x: 1 },
      {
        list: [
          { key: 'a', id: 1, v: 2 },
          { key: 'b', id: 1 },
        ],
        y: {},
      },
      slot,
    );
    assert.equal(
      c.added.toString(),
      '.y\n.list[id=1,key="b"]\n.list[id=1,key="b"].id\n.list[id=1,key="b"].key',
    );
    assert.equal(c.modified.toString(), '.list[id=1,key="a"].v');
    assert.equal(c.removed.toString(), '.x');
  });
});
