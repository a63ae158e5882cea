import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containerCells, formatLabelSelector, formatLabels, selectorString } from './format.ts';

describe('selectorString', () => {
  it('writes requirements sorted by key in the -l syntax', () => {
    const selector = {
      matchLabels: { tier: 'web', app: 'shop' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'canary'] },
        { key: 'zone', operator: 'NotIn', values: ['b', 'a'] },
        { key: 'gpu', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    };
    assert.equal(
      selectorString(selector),
      'app=shop,env in (canary,prod),gpu,!legacy,tier=web,zone notin (a,b)',
    );
  });

  it('is empty for a missing or empty selector and <error> for an unknown operator', () => {
    assert.equal(selectorString(undefined), '');
    assert.equal(selectorString({}), '');
    assert.equal(selectorString({ matchExpressions: [{ key: 'a', operator: 'Near' }] }), '<error>');
  });

  it('prints <none> where kubectl formats an empty selector for display', () => {
    assert.equal(formatLabelSelector(undefined), '<none>');
    assert.equal(formatLabelSelector({ matchLabels: { a: 'b' } }), 'a=b');
  });
});

describe('formatLabels', () => {
  it('sorts by key and prints <none> for no labels', () => {
    assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
    assert.equal(formatLabels({}), '<none>');
    assert.equal(formatLabels(undefined), '<none>');
  });
});

describe('containerCells', () => {
  it('joins names and images with commas', () => {
    assert.deepEqual(
      containerCells([
        { name: 'a', image: 'x:1' },
        { name: 'b', image: 'y:2' },
      ]),
      ['a,b', 'x:1,y:2'],
    );
    assert.deepEqual(containerCells(undefined), ['', '']);
  });
});
