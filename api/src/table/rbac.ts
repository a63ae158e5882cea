/** Tables of roles (NAME CREATED AT) and role bindings (NAME ROLE AGE, subjects when wide). */
import type { RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import type { KubeObject } from '../meta.ts';
import { AGE, NAME, column, doc, wide } from './columns.ts';
import { since } from './human-duration.ts';
import type { Printer } from './types.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const RBAC = 'io.k8s.api.rbac.v1';

/** Second-precision UTC, the `CREATED AT` form (`2026-01-10T11:57:00Z`). */
function createdAt(obj: KubeObject): string {
  const at = Date.parse(obj.metadata.creationTimestamp ?? '');
  return Number.isNaN(at) ? '' : new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const rolePrinter: Printer = {
  columns: [
    NAME,
    column('Created At', doc(`${META}.ObjectMeta`, 'creationTimestamp'), { type: 'date' }),
  ],
  row: (obj) => ({ cells: [obj.metadata.name ?? '', createdAt(obj)] }),
};

function subjects(list: readonly Subject[] | undefined, kind: string): string {
  return (list ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');
}

export const roleBindingPrinter: Printer = {
  columns: [
    NAME,
    column('Role', doc(`${RBAC}.RoleBinding`, 'roleRef')),
    AGE,
    wide('Users', 'Users in the roleBinding'),
    wide('Groups', 'Groups in the roleBinding'),
    wide('ServiceAccounts', 'ServiceAccounts in the roleBinding'),
  ],
  row(obj, now) {
    const rb = obj as unknown as RoleBinding;
    return {
      cells: [
        rb.metadata?.name ?? '',
        `${rb.roleRef?.kind ?? ''}/${rb.roleRef?.name ?? ''}`,
        since(rb.metadata?.creationTimestamp, now),
        subjects(rb.subjects, 'User'),
        subjects(rb.subjects, 'Group'),
        subjects(rb.subjects, 'ServiceAccount'),
      ],
    };
  },
};
