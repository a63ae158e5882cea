import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashOf, revisionName, templateOf, templatePatch } from './controller-history.ts';

describe('controller history', () => {
  it('hashes equal templates equally whatever their key order', () => {
    const a = { metadata: { labels: { app: 'x', tier: 'y' } }, spec: { containers: [] } };
    const b = { spec: { containers: [] }, metadata: { labels: { tier: 'y', app: 'x' } } };
    assert.equal(hashOf(a), hashOf(b));
    assert.notEqual(hashOf(a), hashOf({ ...a, spec: { containers: [{ name: 'c' }] } }));
  });

  it('spells hashes in the safe alphabet and varies them by collision count', () => {
    const h = hashOf({ x: 1 });
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.notEqual(hashOf({ x: 1 }, 1), h);
    assert.equal(hashOf({ x: 1 }, 0), h);
  });

  it('keeps revision names within 253 characters', () => {
    assert.equal(revisionName('web', 'abc'), 'web-abc');
    assert.equal(revisionName('a'.repeat(300), 'h').length, 225);
  });

  it('stores a template-replacing patch and reads the template back', () => {
    const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [] } };
    const data = templatePatch({ metadata: {}, spec: { template } });
    assert.deepEqual(data, { spec: { template: { ...template, $patch: 'replace' } } });
    assert.deepEqual(templateOf({ metadata: {}, data }), template);
  });
});
