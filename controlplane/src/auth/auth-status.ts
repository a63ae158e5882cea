/**
 * The 401 and 403 bodies, worded exactly as kube-apiserver words them, since people and scripts
 * read these messages (each on one line):
 *
 *   pods is forbidden: User "bob" cannot create resource "pods" in API group ""
 *     in the namespace "default"
 *   nodes "n1" is forbidden: User "bob" cannot get resource "nodes" in API group ""
 *     at the cluster scope
 *   forbidden: User "bob" cannot get path "/metrics"
 */
import type { Status } from '@wisp/api/meta.ts';
import { combinedResource, isResourceRequest, type RequestAttributes } from './attributes.ts';
import type { UserInfo } from './user-info.ts';

/** What the user may not do, without the leading "pods is forbidden: ". */
export function forbiddenReason(user: UserInfo | undefined, attrs: RequestAttributes): string {
  const who = `User "${user?.name ?? ''}"`;
  if (!isResourceRequest(attrs))
    return `${who} cannot ${attrs.verb} path "${attrs.nonResourceURL}"`;
  const what = `${who} cannot ${attrs.verb} resource "${combinedResource(attrs)}"`;
  const group = `in API group "${attrs.apiGroup ?? ''}"`;
  if (attrs.namespace) return `${what} ${group} in the namespace "${attrs.namespace}"`;
  return `${what} ${group} at the cluster scope`;
}

/** The full Status message; an authorizer's non-empty reason is appended as upstream does. */
export function forbiddenMessage(
  user: UserInfo | undefined,
  attrs: RequestAttributes,
  reason = '',
): string {
  const detail = forbiddenReason(user, attrs) + (reason ? `: ${reason}` : '');
  if (!isResourceRequest(attrs)) return `forbidden: ${detail}`;
  const resource = qualifiedResource(attrs);
  if (attrs.name) return `${resource} "${attrs.name}" is forbidden: ${detail}`;
  return `${resource} is forbidden: ${detail}`;
}

export function forbiddenStatus(
  user: UserInfo | undefined,
  attrs: RequestAttributes,
  reason = '',
): Status {
  const details = isResourceRequest(attrs)
    ? {
        ...(attrs.name ? { name: attrs.name } : {}),
        ...(attrs.apiGroup ? { group: attrs.apiGroup } : {}),
        kind: attrs.resource ?? '',
      }
    : {};
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: forbiddenMessage(user, attrs, reason),
    reason: 'Forbidden',
    details,
    code: 403,
  };
}

export function unauthorizedStatus(): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  };
}

/** `pods`, `deployments.apps`: how upstream names a resource in error messages. */
function qualifiedResource(attrs: RequestAttributes): string {
  const resource = attrs.resource ?? '';
  return attrs.apiGroup ? `${resource}.${attrs.apiGroup}` : resource;
}
