/**
 * Server-side apply (`application/apply-patch+yaml`): merge a manager's applied configuration
 * into the live object and record what that manager now owns in `metadata.managedFields`.
 *
 *   const r = serverSideApply({ live, applied, manager: 'kubectl', force: false,
 *     now: '2025-01-01T00:00:00Z', kind: { apiVersion: 'apps/v1', kind: 'Deployment' } });
 *   if ('conflicts' in r) return conflictStatus(r.conflicts); // 409
 *
 * Fields the manager applied before but no longer applies are removed unless someone else owns
 * them. A field owned by another manager that the apply would change is a conflict, unless
 * `force`, which takes the field over.
 */
import type { KubeObject } from '../meta.ts';
import { cloneJson, isJsonObject, type JsonObject } from '../patch/json-value.ts';
import { PatchError } from '../patch/patch-error.ts';
import type { KindRef } from '../patch/schema/kinds.ts';
import { resetFieldsFor, stripUnowned } from './bookkeeping.ts';
import { conflictsFrom, type FieldConflict } from './conflicts.ts';
import { FieldSet } from './field-set.ts';
import {
  fieldsStillAsLastApplied,
  hasLastApplied,
  KUBECTL_MANAGER,
  lastAppliedValue,
  setLastApplied,
} from './last-applied.ts';
import {
  decodeManagedFields,
  encodeManagedFields,
  managerIdentifier,
  type Managers,
} from './managers.ts';
import { trackWrite, withoutManagedFields } from './record-update.ts';
import { kindSlot } from './to-field-set.ts';
import {
  applyConfig,
  type ApplyResult,
  type ConflictSets,
  type UpdaterContext,
} from './updater.ts';

export interface ServerSideApplyInput {
  /** The stored object; `undefined` when the apply creates it. */
  readonly live: KubeObject | undefined;
  readonly applied: KubeObject;
  readonly manager: string;
  readonly force: boolean;
  /** RFC 3339 time of the apply (from the injected clock). */
  readonly now: string;
  readonly kind: KindRef;
  readonly subresource?: string;
  /** Fields this endpoint resets; defaults to `resetFieldsFor(kind, subresource)`. */
  readonly ignoredFields?: FieldSet;
}

export type ServerSideApplyResult =
  { readonly object: KubeObject } | { readonly conflicts: FieldConflict[] };

/** Who owns what existed before the first apply to an object nobody tracked. */
export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';

export function serverSideApply(input: ServerSideApplyInput): ServerSideApplyResult {
  checkApplied(input);
  const { kind } = input;
  const ctx: UpdaterContext = {
    slot: kindSlot(kind),
    apiVersion: kind.apiVersion,
    ignored: input.ignoredFields ?? resetFieldsFor(kind, input.subresource),
  };
  const managers = storedManagers(input.live);
  const live = input.live
    ? withoutManagedFields(input.live)
    : { apiVersion: kind.apiVersion, kind: kind.kind };
  if (managers.size === 0) {
    const identity = {
      manager: BEFORE_FIRST_APPLY_MANAGER,
      operation: 'Update' as const,
      apiVersion: kind.apiVersion,
      subresource: input.subresource,
    };
    trackWrite({}, live, managers, identity, input.now, ctx);
  }
  const applier = managerIdentifier({
    manager: input.manager || 'unknown',
    operation: 'Apply',
    subresource: input.subresource,
  });
  const applied = withoutManagedFields(input.applied);
  const result = applyWithLastApplied(live, applied, managers, applier, input, ctx);
  if ('conflicts' in result) return { conflicts: conflictsFrom(result.conflicts) };
  stripUnowned(managers, applier);
  const stamped = managers.get(applier);
  if (result.changed && stamped) managers.set(applier, { ...stamped, time: input.now });
  const object = cloneJson(result.changed ? result.object : live) as JsonObject;
  if (input.manager === KUBECTL_MANAGER && hasLastApplied(object)) {
    setLastApplied(object, lastAppliedValue(applied));
  }
  const out = object as unknown as KubeObject;
  if (!isJsonObject(out.metadata)) out.metadata = {};
  const entries = encodeManagedFields(managers);
  if (entries) out.metadata.managedFields = entries;
  else delete out.metadata.managedFields;
  return { object: out };
}

function checkApplied(input: ServerSideApplyInput): void {
  const a = input.applied as unknown;
  if (!isJsonObject(a) || !isJsonObject(a.metadata)) {
    throw new PatchError(
      'ERR_BAD_REQUEST',
      'applied configuration must be an object with metadata',
    );
  }
  if (a.apiVersion !== input.kind.apiVersion || a.kind !== input.kind.kind) {
    const msg = `invalid object type: ${String(a.apiVersion)}, Kind=${String(a.kind)}`;
    throw new PatchError('ERR_BAD_REQUEST', msg);
  }
  if (a.metadata.managedFields !== undefined && a.metadata.managedFields !== null) {
    throw new PatchError('ERR_BAD_REQUEST', 'metadata.managedFields must be nil');
  }
}

function storedManagers(live: KubeObject | undefined): Managers {
  try {
    return decodeManagedFields(live?.metadata.managedFields);
  } catch {
    return new Map();
  }
}

/**
 * Applies; when the manager is `kubectl` and every conflict is a field whose live value is
 * still what the last client-side apply set, applies again with force.
 */
function applyWithLastApplied(
  live: JsonObject,
  applied: JsonObject,
  managers: Managers,
  applier: string,
  input: ServerSideApplyInput,
  ctx: UpdaterContext,
): ApplyResult {
  const first = applyConfig(live, applied, managers, applier, input.force, ctx);
  if (!('conflicts' in first) || input.manager !== KUBECTL_MANAGER) return first;
  const allowed = fieldsStillAsLastApplied(live, input.kind.apiVersion, ctx.slot);
  if (allowed === undefined) return first;
  const remaining: ConflictSets = new Map();
  for (const [key, set] of first.conflicts) {
    const rest = set.difference(allowed);
    if (!rest.isEmpty()) remaining.set(key, rest);
  }
  if (remaining.size > 0) return { conflicts: remaining };
  return applyConfig(live, applied, managers, applier, true, ctx);
}
