/**
 * The RBAC objects the authorizer consults on every request, held in memory by informers so a
 * request costs no store read.
 */
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '@wisp/api';
import { findResource } from '@wisp/api';
import type { Clock, Startable } from '@wisp/core';
import { startAll, stopAll } from '@wisp/core';
import type { Registry } from '../registry/registry.ts';
import { createInformer } from './informer.ts';

/** The shape the RBAC authorizer reads (auth/rbac-source.ts), over cached objects. */
export interface RbacObjects {
  roles(namespace: string): Promise<Role[]>;
  clusterRoles(): Promise<ClusterRole[]>;
  roleBindings(namespace: string): Promise<RoleBinding[]>;
  clusterRoleBindings(): Promise<ClusterRoleBinding[]>;
}

const rbac = (plural: string) => findResource('rbac.authorization.k8s.io', plural)!;

export function createRbacCache(registry: Registry, clock: Clock): RbacObjects & Startable {
  const make = (plural: string) => createInformer({ resource: rbac(plural) }, { registry, clock });
  const roles = make('roles');
  const clusterRoles = make('clusterroles');
  const roleBindings = make('rolebindings');
  const clusterRoleBindings = make('clusterrolebindings');
  const all = [roles, clusterRoles, roleBindings, clusterRoleBindings];
  return {
    start: () => startAll(all),
    stop: () => stopAll(all),
    roles: async (ns) => roles.list(ns) as Role[],
    clusterRoles: async () => clusterRoles.list() as ClusterRole[],
    roleBindings: async (ns) => roleBindings.list(ns) as unknown as RoleBinding[],
    clusterRoleBindings: async () => clusterRoleBindings.list() as unknown as ClusterRoleBinding[],
  };
}
