import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidError } from '../validation/invalid-error.ts';
import { labelSelectorAsString, selectorFromLabelSelector } from './index.ts';

describe('selectorFromLabelSelector', () => {
  it('combines matchLabels and matchExpressions', () => {
    const s = selectorFromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'Exists' },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
      ],
    });
    assert.equal(s.toString(), 'app=web,!canary,env notin (dev),tier in (a,b),zone');
    assert.equal(s.matches({ app: 'web', tier: 'a', zone: 'z1' }), true);
    assert.equal(s.matches({ app: 'web', tier: 'a', zone: 'z1', canary: 'y' }), false);
  });

  it('selects nothing when the selector is missing and everything when it is empty', () => {
    assert.equal(selectorFromLabelSelector(undefined).matches({}), false);
    assert.equal(selectorFromLabelSelector({}).matches({}), true);
    assert.equal(
      selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }).empty(),
      true,
    );
  });

  it('rejects unknown operators and empty In sets', () => {
    assert.throws(
      () =>
        selectorFromLabelSelector({
          matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }],
        }),
      (e: unknown) =>
        e instanceof InvalidError && e.message === '"Gt" is not a valid label selector operator',
    );
    assert.throws(
      () =>
        selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
      /values set can't be empty/,
    );
  });
});

describe('labelSelectorAsString', () => {
  it('prints as kubectl describe does', () => {
    assert.equal(
      labelSelectorAsString({ matchLabels: { app: 'web', tier: 'fe' } }),
      'app=web,tier=fe',
    );
    assert.equal(labelSelectorAsString({}), '<none>');
    assert.equal(labelSelectorAsString(undefined), '<none>');
    assert.equal(
      labelSelectorAsString({ matchExpressions: [{ key: 'a', operator: 'Nope' }] }),
      '<error>',
    );
  });
});
