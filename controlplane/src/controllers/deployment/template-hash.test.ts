import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { computeTemplateHash, equalIgnoreHash } from './template-hash.ts';

const template = (image: string, labels: Record<string, string> = { app: 'web' }) =>
  ({
    metadata: { labels },
    spec: { containers: [{ name: 'web', image }] },
  }) as PodTemplateSpec;

describe('pod-template-hash', () => {
  it('is ten characters of the generated-name alphabet', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), (image, collisions) => {
        assert.match(
          computeTemplateHash(template(image), collisions),
          /^[bcdfghjklmnpqrstvwxz2456789]{10}$/,
        );
      }),
    );
  });

  it('is stable: the same for the same template however its keys are ordered', () => {
    const a = {
      spec: { containers: [{ image: 'x', name: 'web' }] },
      metadata: { labels: { b: '2', a: '1' } },
    };
    const b = {
      metadata: { labels: { a: '1', b: '2' } },
      spec: { containers: [{ name: 'web', image: 'x' }] },
    };
    assert.equal(
      computeTemplateHash(a as PodTemplateSpec),
      computeTemplateHash(b as PodTemplateSpec),
    );
    // Pinned: a change here renames every ReplicaSet and restarts every Deployment on upgrade.
    assert.equal(computeTemplateHash(template('x')), '76789876bc');
  });

  it('differs for another template or another collision count', () => {
    const h = computeTemplateHash(template('x'));
    assert.notEqual(computeTemplateHash(template('y')), h);
    assert.notEqual(computeTemplateHash(template('x'), 1), h);
    assert.equal(computeTemplateHash(template('x'), 0), h);
  });

  it('ignores the pod-template-hash label itself', () => {
    const withHash = template('x', { app: 'web', 'pod-template-hash': 'abc' });
    assert.equal(computeTemplateHash(withHash), computeTemplateHash(template('x')));
    assert.ok(equalIgnoreHash(withHash, template('x')));
  });
});

describe('template equality ignoring the hash', () => {
  it('treats empty lists and label maps like absent ones', () => {
    const bare = template('x');
    const padded = structuredClone(bare);
    padded.metadata!.annotations = {};
    padded.spec!.volumes = [];
    padded.spec!.containers[0].env = [];
    assert.ok(equalIgnoreHash(bare, padded));
  });

  it('tells apart templates that differ anywhere else', () => {
    assert.ok(!equalIgnoreHash(template('x'), template('y')));
    assert.ok(!equalIgnoreHash(template('x'), template('x', { app: 'other' })));
  });
});
