/**
 * "May I?" asked of the apiserver with a SelfSubjectAccessReview, so action buttons appear only
 * for users whose RBAC allows the action. A failed review counts as "no".
 */
import type { ApiClient } from './api-client.ts';

export interface Action {
  readonly verb: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly group?: string;
  readonly namespace?: string;
}

const reviewsPath = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

export async function canI(api: ApiClient, action: Action): Promise<boolean> {
  const review = await api.post<{ status?: { allowed?: boolean } }>(reviewsPath, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { ...action, group: action.group ?? '' } },
  });
  return review.status?.allowed === true;
}
