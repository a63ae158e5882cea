/**
 * SelfSubjectAccessReview: "may I do this?", answered by the same authorizer that guards
 * requests. `kubectl auth can-i` sends one.
 *
 *   const review = await subjectAccessReview(rbac, user, body.spec);
 *   // review.status = { allowed: false, reason: '' }
 */
import type {
  ResourceAttributes,
  SelfSubjectAccessReview,
  SelfSubjectAccessReviewSpec,
} from 'kubernetes-types/authorization/v1.js';
import type { RequestAttributes } from './attributes.ts';
import { AccessReviewInvalidError } from './errors.ts';
import type { Authorizer } from './rbac.ts';
import type { UserInfo } from './user-info.ts';

export async function subjectAccessReview(
  authorizer: Authorizer,
  user: UserInfo,
  spec: SelfSubjectAccessReviewSpec | undefined,
): Promise<SelfSubjectAccessReview & { metadata: Record<string, never> }> {
  const attrs = reviewAttributes(spec);
  const decision = await authorizer.authorize(user, attrs);
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: spec ?? {},
    status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
  };
}

/** The request a review asks about; exactly one of the two attribute sets must be given. */
export function reviewAttributes(spec: SelfSubjectAccessReviewSpec | undefined): RequestAttributes {
  const resource = spec?.resourceAttributes;
  const nonResource = spec?.nonResourceAttributes;
  if (resource && nonResource) {
    throw new AccessReviewInvalidError(
      'spec.nonResourceAttributes: Invalid value: ' +
        'cannot be specified in combination with resourceAttributes',
    );
  }
  if (nonResource) {
    return { verb: nonResource.verb ?? '', nonResourceURL: nonResource.path ?? '' };
  }
  if (!resource) {
    throw new AccessReviewInvalidError(
      'spec.resourceAttributes: Invalid value: null: ' +
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  }
  return fromResourceAttributes(resource);
}

function fromResourceAttributes(r: ResourceAttributes): RequestAttributes {
  return {
    verb: r.verb ?? '',
    apiGroup: r.group ?? '',
    resource: r.resource ?? '',
    ...(r.subresource ? { subresource: r.subresource } : {}),
    ...(r.namespace ? { namespace: r.namespace } : {}),
    ...(r.name ? { name: r.name } : {}),
  };
}
