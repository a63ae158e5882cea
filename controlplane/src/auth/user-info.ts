/**
 * Who made a request, as the authenticators establish it and the authorizers read it.
 */
export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
  readonly uid?: string;
}

/** Every authenticated user is in this group, as upstream. */
export const authenticatedGroup = 'system:authenticated';
export const unauthenticatedGroup = 'system:unauthenticated';
/** Members are allowed everything, before any RBAC rule is read. */
export const mastersGroup = 'system:masters';

/** Adds `system:authenticated` once, keeping the given order. */
export function withAuthenticatedGroup(groups: readonly string[]): string[] {
  const out = [...new Set(groups)];
  if (!out.includes(authenticatedGroup)) out.push(authenticatedGroup);
  return out;
}

export function serviceAccountUserName(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}
