import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subjectAccessReview } from './access-review.ts';
import { AccessReviewInvalidError } from './errors.ts';
import type { RequestAttributes } from './attributes.ts';
import type { Authorizer } from './rbac.ts';

/** Allows only `get pods` in `default`, and records what it was asked. */
function recordingAuthorizer(asked: RequestAttributes[]): Authorizer {
  return {
    forbiddenMessage: () => 'forbidden',
    async authorize(_user, attrs) {
      asked.push(attrs);
      const ok = attrs.verb === 'get' && attrs.resource === 'pods' && attrs.namespace === 'default';
      return { allowed: ok, reason: ok ? 'RBAC: allowed by test' : '' };
    },
  };
}

const me = { name: 'me', groups: ['system:authenticated'] };

describe('subjectAccessReview', () => {
  it('fills status.allowed and status.reason from the authorizer', async () => {
    const asked: RequestAttributes[] = [];
    const spec = { resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' } };
    const review = await subjectAccessReview(recordingAuthorizer(asked), me, spec);
    assert.equal(review.kind, 'SelfSubjectAccessReview');
    assert.equal(review.apiVersion, 'authorization.k8s.io/v1');
    assert.deepEqual(review.spec, spec);
    assert.deepEqual(review.status, { allowed: true, reason: 'RBAC: allowed by test' });
    assert.deepEqual(asked, [
      { verb: 'get', apiGroup: '', resource: 'pods', namespace: 'default' },
    ]);
  });

  it('passes subresource, group and name through', async () => {
    const asked: RequestAttributes[] = [];
    const review = await subjectAccessReview(recordingAuthorizer(asked), me, {
      resourceAttributes: {
        verb: 'update',
        group: 'apps',
        resource: 'deployments',
        subresource: 'scale',
        name: 'web',
        namespace: 'x',
      },
    });
    assert.deepEqual(review.status, { allowed: false });
    assert.deepEqual(asked[0], {
      verb: 'update',
      apiGroup: 'apps',
      resource: 'deployments',
      subresource: 'scale',
      namespace: 'x',
      name: 'web',
    });
  });

  it('asks about a non-resource path', async () => {
    const asked: RequestAttributes[] = [];
    await subjectAccessReview(recordingAuthorizer(asked), me, {
      nonResourceAttributes: { verb: 'get', path: '/healthz' },
    });
    assert.deepEqual(asked, [{ verb: 'get', nonResourceURL: '/healthz' }]);
  });

  it('rejects a spec with neither or both attribute sets', async () => {
    const authz = recordingAuthorizer([]);
    await assert.rejects(subjectAccessReview(authz, me, {}), AccessReviewInvalidError);
    await assert.rejects(
      subjectAccessReview(authz, me, {
        resourceAttributes: { verb: 'get' },
        nonResourceAttributes: { verb: 'get', path: '/' },
      }),
      /^AccessReviewInvalidError: spec.nonResourceAttributes: Invalid value/,
    );
  });
});
