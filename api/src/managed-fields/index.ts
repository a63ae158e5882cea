/**
 * Server-side apply and `metadata.managedFields` bookkeeping, as kube-apiserver does it with
 * sigs.k8s.io/structured-merge-diff. Pure functions; the apiserver supplies the time.
 *
 *   import { serverSideApply, conflictStatus } from '@wisp/api/managed-fields/index.ts';
 */
export { serverSideApply, BEFORE_FIRST_APPLY_MANAGER } from './server-side-apply.ts';
export type { ServerSideApplyInput, ServerSideApplyResult } from './server-side-apply.ts';
export { recordUpdate } from './record-update.ts';
export type { RecordUpdateInput } from './record-update.ts';
export { conflictCauses, conflictMessage, conflictStatus, describeManager } from './conflicts.ts';
export type { FieldConflict } from './conflicts.ts';
export { FieldSet } from './field-set.ts';
export { fieldSetOf } from './to-field-set.ts';
export { diffFieldSets, intersectFieldSets, removeFieldSet, unionFieldSets } from './set-ops.ts';
export { changedFields } from './changed-fields.ts';
export { fromFieldsV1, toFieldsV1 } from './fields-v1.ts';
export { pathString, parsePathElement, serializePathElement } from './path-element.ts';
export type { FieldPath, PathElement } from './path-element.ts';
export { resetFieldsFor, updateManagersMax } from './bookkeeping.ts';
export { LAST_APPLIED_ANNOTATION } from './last-applied.ts';
