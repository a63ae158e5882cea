/**
 * Ownership after a write that is not an apply (create, update, any patch type other than
 * apply, a subresource write): the writer takes over every field it added or changed, and the
 * fields it removed are nobody's. This is what makes `kubectl scale` followed by
 * `kubectl apply --server-side` with another replica count a conflict.
 *
 *   const stored = recordUpdate({ old, updated, manager: 'kubectl', operation: 'Update',
 *     now: clock.nowIso(), kind: { apiVersion: 'apps/v1', kind: 'Deployment' },
 *     subresource: 'scale' });
 */
import type { KubeObject, ManagedFieldsEntry } from '../meta.ts';
import { cloneJson, type JsonObject } from '../patch/json-value.ts';
import type { KindRef } from '../patch/schema/kinds.ts';
import { capUpdateManagers, resetFieldsFor, stripUnowned } from './bookkeeping.ts';
import type { FieldSet } from './field-set.ts';
import {
  decodeManagedFields,
  encodeManagedFields,
  managerIdentifier,
  type ManagerIdentity,
  type Managers,
} from './managers.ts';
import { kindSlot } from './to-field-set.ts';
import { recordWrite, type UpdaterContext } from './updater.ts';

export interface RecordUpdateInput {
  /** The stored object before the write; `undefined` for a create. */
  readonly old: KubeObject | undefined;
  /** The object about to be stored. Its `managedFields` may carry a user's edit of them. */
  readonly updated: KubeObject;
  readonly manager: string;
  readonly operation?: 'Update';
  /** RFC 3339 time of the write (from the injected clock). */
  readonly now: string;
  readonly kind: KindRef;
  readonly subresource?: string;
  /** Fields this endpoint resets; defaults to `resetFieldsFor(kind, subresource)`. */
  readonly ignoredFields?: FieldSet;
}

/** `updated` with `metadata.managedFields` brought up to date. */
export function recordUpdate(input: RecordUpdateInput): KubeObject {
  const managers = managersForUpdate(input);
  const result = cloneJson(input.updated);
  delete result.metadata.managedFields;
  if (managers.size === 0 && input.old !== undefined) return result;
  const ctx: UpdaterContext = {
    slot: kindSlot(input.kind),
    apiVersion: input.kind.apiVersion,
    ignored: input.ignoredFields ?? resetFieldsFor(input.kind, input.subresource),
  };
  const identity: ManagerIdentity = {
    manager: input.manager || 'unknown',
    operation: 'Update',
    apiVersion: input.kind.apiVersion,
    subresource: input.subresource,
  };
  const before = input.old ? withoutManagedFields(input.old) : {};
  trackWrite(before, result as unknown as JsonObject, managers, identity, input.now, ctx);
  capUpdateManagers(managers);
  const entries = encodeManagedFields(managers);
  if (entries) result.metadata.managedFields = entries;
  return result;
}

/** The identifier a write is first recorded under, before it is folded into its manager. */
const CURRENT_OPERATION = 'current-operation';

/** Records one non-apply write by `identity` into `managers`. */
export function trackWrite(
  before: JsonObject,
  after: JsonObject,
  managers: Managers,
  identity: ManagerIdentity,
  now: string,
  ctx: UpdaterContext,
): void {
  recordWrite(before, after, managers, CURRENT_OPERATION, ctx);
  stripUnowned(managers, CURRENT_OPERATION);
  const current = managers.get(CURRENT_OPERATION);
  managers.delete(CURRENT_OPERATION);
  if (current === undefined) return;
  const key = managerIdentifier(identity);
  const previous = managers.get(key);
  const set = previous ? current.set.union(previous.set) : current.set;
  managers.set(key, { set, apiVersion: current.apiVersion, applied: false, time: now });
}

/**
 * A subresource write keeps the stored managed fields. Otherwise a non-empty, valid
 * `managedFields` in the request replaces them, `[]` (or one empty entry) resets them, and
 * anything else keeps the stored ones. Undecodable stored entries count as none.
 */
function managersForUpdate(input: RecordUpdateInput): Managers {
  const stored = () => decodeOrEmpty(input.old?.metadata.managedFields);
  if (input.subresource) return stored();
  const requested = input.updated.metadata.managedFields;
  if (isReset(requested)) return new Map();
  const fromRequest = decodeOrEmpty(requested);
  return fromRequest.size > 0 ? fromRequest : stored();
}

function isReset(entries: readonly ManagedFieldsEntry[] | undefined): boolean {
  if (entries === undefined) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && Object.keys(entries[0]).length === 0;
}

function decodeOrEmpty(entries: readonly ManagedFieldsEntry[] | undefined): Managers {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}

export function withoutManagedFields(obj: KubeObject): JsonObject {
  const copy = cloneJson(obj);
  delete copy.metadata.managedFields;
  return copy as unknown as JsonObject;
}
