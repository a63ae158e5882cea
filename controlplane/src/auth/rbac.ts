/**
 * Kubernetes RBAC: a request is allowed when some binding names the user (as a User, one of its
 * Groups, or a ServiceAccount) and the role it refers to has a rule covering the request.
 * ClusterRoleBindings apply everywhere; RoleBindings only in their namespace, to namespaced
 * requests. Nothing is ever denied outright, so "not allowed" is RBAC's only negative answer.
 * ClusterRole aggregationRule is not evaluated: aggregated roles must carry their rules
 * themselves (the bootstrap policy writes admin, edit and view out in full).
 *
 *   const rbac = createRbacAuthorizer({ source });
 *   const { allowed, reason } = await rbac.authorize(user, { verb: 'list', apiGroup: '',
 *     resource: 'pods', namespace: 'default' });
 */
import type {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
  Subject,
} from 'kubernetes-types/rbac/v1.js';
import { isResourceRequest, type RequestAttributes } from './attributes.ts';
import { forbiddenMessage } from './auth-status.ts';
import type { RbacSource } from './rbac-source.ts';
import { rulesAllow } from './rbac-rules.ts';
import { mastersGroup, serviceAccountUserName, type UserInfo } from './user-info.ts';

export const rbacGroup = 'rbac.authorization.k8s.io';

export interface Decision {
  readonly allowed: boolean;
  readonly reason: string;
}

export interface Authorizer {
  authorize(user: UserInfo, attrs: RequestAttributes): Promise<Decision>;
  /** The 403 message for a request this authorizer did not allow. */
  forbiddenMessage(user: UserInfo, attrs: RequestAttributes): string;
}

export interface RbacAuthorizerComponents {
  readonly source: RbacSource;
}

type Binding = RoleBinding | ClusterRoleBinding;
type AnyRole = Role | ClusterRole;

export function createRbacAuthorizer(components: RbacAuthorizerComponents): Authorizer {
  const { source } = components;
  return {
    forbiddenMessage: (user, attrs) => forbiddenMessage(user, attrs),
    async authorize(user, attrs) {
      // As upstream, system:masters passes before RBAC is consulted, with no reason given.
      if (user.groups.includes(mastersGroup)) return { allowed: true, reason: '' };
      const errors: string[] = [];
      const clusterRoles = byName(await source.clusterRoles());
      const clusterBindings = await source.clusterRoleBindings();
      const clusterHit = firstAllowing(clusterBindings, user, attrs, errors, (ref) =>
        ref.kind === 'ClusterRole' ? clusterRoles.get(ref.name) : undefined,
      );
      if (clusterHit) return { allowed: true, reason: `RBAC: allowed by ${clusterHit}` };
      const ns = attrs.namespace ?? '';
      if (ns && isResourceRequest(attrs)) {
        const roles = byName(await source.roles(ns));
        const hit = firstAllowing(await source.roleBindings(ns), user, attrs, errors, (ref) =>
          (ref.kind === 'Role' ? roles : clusterRoles).get(ref.name),
        );
        if (hit) return { allowed: true, reason: `RBAC: allowed by ${hit}` };
      }
      return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : '' };
    },
  };
}

/** Describes the first binding that allows the request, collecting missing-role errors. */
function firstAllowing(
  bindings: readonly Binding[],
  user: UserInfo,
  attrs: RequestAttributes,
  errors: string[],
  resolve: (ref: Binding['roleRef']) => AnyRole | undefined,
): string | undefined {
  for (const binding of bindings) {
    const bindingNs = binding.metadata?.namespace ?? '';
    const subject = (binding.subjects ?? []).find((s) => subjectMatches(s, user, bindingNs));
    if (!subject) continue;
    const role = resolve(binding.roleRef);
    if (!role) {
      errors.push(roleNotFound(binding.roleRef, bindingNs));
      continue;
    }
    if (rulesAllow(role.rules, attrs)) return describeBinding(binding, subject);
  }
  return undefined;
}

export function subjectMatches(subject: Subject, user: UserInfo, bindingNs: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNs;
      return ns !== '' && serviceAccountUserName(ns, subject.name) === user.name;
    }
    default:
      return false;
  }
}

function describeBinding(binding: Binding, subject: Subject): string {
  const ns = binding.metadata?.namespace ?? '';
  const name = binding.metadata?.name ?? '';
  const kind = ns ? 'RoleBinding' : 'ClusterRoleBinding';
  const bindingName = ns ? `${name}/${ns}` : name;
  const { kind: roleKind, name: roleName } = binding.roleRef;
  return `${kind} "${bindingName}" of ${roleKind} "${roleName}" to ${describeSubject(subject, ns)}`;
}

function describeSubject(subject: Subject, bindingNs: string): string {
  if (subject.kind !== 'ServiceAccount') return `${subject.kind} "${subject.name}"`;
  return `${subject.kind} "${subject.name}/${subject.namespace || bindingNs}"`;
}

function roleNotFound(ref: Binding['roleRef'], bindingNs: string): string {
  if (ref.kind === 'Role') return `role.${rbacGroup} "${ref.name}" not found`;
  if (ref.kind === 'ClusterRole') return `clusterrole.${rbacGroup} "${ref.name}" not found`;
  return `${bindingNs ? 'RoleBinding' : 'ClusterRoleBinding'} refers to unknown kind "${ref.kind}"`;
}

function aggregate(errors: readonly string[]): string {
  return errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
}

function byName<T extends AnyRole>(roles: readonly T[]): Map<string, T> {
  return new Map(roles.map((r) => [r.metadata?.name ?? '', r]));
}
