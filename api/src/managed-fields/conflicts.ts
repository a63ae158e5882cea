/**
 * Server-side apply conflicts and the words kube-apiserver uses for them:
 *
 *   Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1:
 *   .spec.replicas
 *
 * answered as 409 Conflict with one `FieldManagerConflict` cause per field.
 */
import type { Status, StatusCause } from '../meta.ts';
import { managerIdentifier, parseManagerIdentifier, type ManagerIdentity } from './managers.ts';
import { pathString } from './path-element.ts';
import type { ConflictSets } from './updater.ts';

export interface FieldConflict extends ManagerIdentity {
  /** The field, spelled as in the message: `.spec.replicas`. */
  readonly field: string;
}

/** One conflict per field, grouped by manager in identifier order. */
export function conflictsFrom(sets: ConflictSets): FieldConflict[] {
  return [...sets.keys()].sort().flatMap((key) => {
    const id = parseManagerIdentifier(key);
    return sets
      .get(key)!
      .paths()
      .map((p) => ({ ...id, field: pathString(p) }));
  });
}

/** `"kubectl" with subresource "scale" using apps/v1`, as kube-apiserver prints a manager. */
export function describeManager(id: ManagerIdentity): string {
  let s = JSON.stringify(id.manager);
  if (id.subresource) s += ` with subresource ${JSON.stringify(id.subresource)}`;
  return id.operation === 'Update' ? `${s} using ${id.apiVersion ?? ''}` : s;
}

export function conflictMessage(conflicts: readonly FieldConflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0];
    return `Apply failed with 1 conflict: conflict with ${describeManager(c)}: ${c.field}`;
  }
  const byManager = new Map<string, FieldConflict[]>();
  for (const c of conflicts) {
    const key = managerIdentifier(c);
    byManager.set(key, [...(byManager.get(key) ?? []), c]);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort()) {
    const group = byManager.get(key)!;
    lines.push(`conflicts with ${describeManager(group[0])}:`);
    for (const c of group) lines.push(`- ${c.field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export function conflictCauses(conflicts: readonly FieldConflict[]): StatusCause[] {
  return conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(c)}`,
    field: c.field,
  }));
}

/** The `Status` kube-apiserver answers a conflicting apply with. */
export function conflictStatus(conflicts: readonly FieldConflict[]): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: conflictMessage(conflicts),
    reason: 'Conflict',
    details: { causes: conflictCauses(conflicts) },
    code: 409,
  };
}
