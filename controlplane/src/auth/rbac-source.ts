/**
 * Where the RBAC authorizer reads roles and bindings from. The apiserver backs it with the store
 * (ideally through a watch-fed cache); tests and the bootstrap policy use `staticRbacSource`.
 */
import type {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-types/rbac/v1.js';

export interface RbacSource {
  roles(namespace: string): Promise<Role[]>;
  clusterRoles(): Promise<ClusterRole[]>;
  roleBindings(namespace: string): Promise<RoleBinding[]>;
  clusterRoleBindings(): Promise<ClusterRoleBinding[]>;
}

type RbacObject = { kind?: string; metadata?: { namespace?: string } };

/** A source over a fixed list of Role, ClusterRole, RoleBinding and ClusterRoleBinding objects. */
export function staticRbacSource(objects: readonly RbacObject[]): RbacSource {
  const ofKind = <T>(kind: string, namespace?: string): T[] =>
    objects.filter(
      (o) => o.kind === kind && (namespace === undefined || o.metadata?.namespace === namespace),
    ) as T[];
  return {
    roles: async (ns) => ofKind<Role>('Role', ns),
    clusterRoles: async () => ofKind<ClusterRole>('ClusterRole'),
    roleBindings: async (ns) => ofKind<RoleBinding>('RoleBinding', ns),
    clusterRoleBindings: async () => ofKind<ClusterRoleBinding>('ClusterRoleBinding'),
  };
}
