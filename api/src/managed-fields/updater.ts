/**
 * The ownership bookkeeping of server-side apply (structured-merge-diff's `merge.Updater`), for
 * a single API version: how an apply merges and prunes, and how any write moves ownership.
 */
import { jsonEqual, type JsonValue } from '../patch/json-value.ts';
import type { Slot } from '../patch/schema/schema.ts';
import { withNamedParents } from './ensure-named.ts';
import { FieldSet } from './field-set.ts';
import type { Managers } from './managers.ts';
import { toFieldSet } from './to-field-set.ts';
import { compareTyped, excludeFields, type Comparison } from './typed-compare.ts';
import { mergeTyped } from './typed-merge.ts';
import { removeFields } from './typed-remove.ts';

export interface UpdaterContext {
  readonly slot: Slot;
  readonly apiVersion: string;
  /** Fields this endpoint does not own (a main resource's `status`); see `resetFieldsFor`. */
  readonly ignored?: FieldSet;
}

/** Manager identifier → the fields of its set a write would change. */
export type ConflictSets = Map<string, FieldSet>;

type Reconciled = { comparison: Comparison } | { conflicts: ConflictSets };

/**
 * Takes from every manager but `workflow` the fields the write from `live` to `next` changed
 * (a conflict unless `force`) or removed; managers left with nothing are dropped.
 */
function reconcile(
  live: JsonValue | undefined,
  next: JsonValue,
  managers: Managers,
  workflow: string,
  force: boolean,
  ctx: UpdaterContext,
): Reconciled {
  const comparison = excludeFields(compareTyped(live, next, ctx.slot), ctx.ignored);
  const changed = comparison.modified.union(comparison.added);
  const conflicts: ConflictSets = new Map();
  for (const [key, m] of managers) {
    if (key === workflow) continue;
    const overlap = m.set.intersection(changed);
    if (!overlap.isEmpty()) conflicts.set(key, overlap);
  }
  if (!force && conflicts.size > 0) return { conflicts };
  for (const [key, m] of managers) {
    if (key === workflow) continue;
    const set = m.set
      .difference(conflicts.get(key) ?? new FieldSet())
      .difference(comparison.removed);
    if (set.isEmpty()) managers.delete(key);
    else managers.set(key, { ...m, set });
  }
  return { comparison };
}

function filtered(set: FieldSet, ctx: UpdaterContext): FieldSet {
  return ctx.ignored ? set.recursiveDifference(ctx.ignored) : set;
}

/**
 * A non-apply write by `updater`: it owns what it added or modified on top of what it owned,
 * and nobody owns what it removed. `managers` is updated in place.
 */
export function recordWrite(
  live: JsonValue | undefined,
  next: JsonValue,
  managers: Managers,
  updater: string,
  ctx: UpdaterContext,
): void {
  const r = reconcile(live, next, managers, updater, true, ctx);
  if (!('comparison' in r)) return;
  const c = r.comparison;
  const before = managers.get(updater)?.set ?? new FieldSet();
  const set = filtered(before.difference(c.removed).union(c.modified).union(c.added), ctx);
  if (set.isEmpty()) managers.delete(updater);
  else managers.set(updater, { set, apiVersion: ctx.apiVersion, applied: false });
}

export type ApplyResult =
  { readonly object: JsonValue; readonly changed: boolean } | { readonly conflicts: ConflictSets };

/**
 * An apply of `config` by `applier`: merge it into `live`, drop the fields the applier applied
 * last time, no longer applies and nobody else owns, then settle ownership. `managers` is
 * updated in place only when there is no conflict.
 */
export function applyConfig(
  live: JsonValue,
  config: JsonValue,
  managers: Managers,
  applier: string,
  force: boolean,
  ctx: UpdaterContext,
): ApplyResult {
  const work: Managers = new Map(managers);
  const merged = mergeTyped(live, config, ctx.slot) ?? {};
  const previous = work.get(applier);
  const set = filtered(toFieldSet(config, ctx.slot, true), ctx);
  work.set(applier, { set, apiVersion: ctx.apiVersion, applied: true, time: previous?.time });
  const next = prune(merged, work, previous?.set, ctx.slot);
  const r = reconcile(live, next, work, applier, force, ctx);
  if ('conflicts' in r) return r;
  managers.clear();
  for (const [k, v] of work) managers.set(k, v);
  return { object: next, changed: !jsonEqual(live, next) };
}

/**
 * Removes what the applier owned last time, then puts back what anyone (the applier's new
 * configuration included) still owns and what the applier did not own before.
 */
function prune(merged: JsonValue, managers: Managers, last: FieldSet | undefined, slot: Slot) {
  if (last === undefined || last.isEmpty()) return merged;
  const fieldsOf = (v: JsonValue | undefined) =>
    withNamedParents(v === undefined ? new FieldSet() : toFieldSet(v, slot, false));
  const mergedSet = fieldsOf(merged);
  let owned = new FieldSet();
  for (const m of managers.values()) owned = owned.union(m.set);
  const pruned = removeFields(merged, withNamedParents(last), slot);
  const unowned = mergedSet.difference(fieldsOf(pruned).union(withNamedParents(owned)));
  const ownedBack = removeFields(merged, unowned, slot);
  const dropped = mergedSet.difference(fieldsOf(ownedBack)).intersection(withNamedParents(last));
  return removeFields(merged, dropped, slot) ?? {};
}
