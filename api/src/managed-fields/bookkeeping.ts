/**
 * The rules kube-apiserver layers over the ownership algorithm: metadata nobody owns, fields an
 * endpoint resets, and the cap on how many `Update` managers an object keeps.
 */
import { findKind } from '../resources.ts';
import type { KindRef } from '../patch/schema/kinds.ts';
import { FieldSet } from './field-set.ts';
import { managerIdentifier, seconds, type Managers } from './managers.ts';
import { fieldElement } from './path-element.ts';

/** kube-apiserver keeps at most this many `Update` managers; older ones merge into one. */
export const updateManagersMax = 10;

/** The manager older `Update` entries are merged into. */
export const ANCIENT_CHANGES_MANAGER = 'ancient-changes';

const f = fieldElement;

/** Identity and bookkeeping fields no manager owns. */
const UNOWNED = FieldSet.of(
  [f('apiVersion')],
  [f('kind')],
  [f('metadata')],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((name) => [f('metadata'), f(name)]),
);

/** Removes the unowned fields from `key`'s set, dropping the manager if nothing is left. */
export function stripUnowned(managers: Managers, key: string): void {
  const m = managers.get(key);
  if (m === undefined) return;
  const set = m.set.difference(UNOWNED);
  if (set.isEmpty()) managers.delete(key);
  else managers.set(key, { ...m, set });
}

/**
 * The fields a write through this endpoint never owns, because the endpoint resets them: a
 * main resource that has a status subresource ignores `status`; the status subresource
 * ignores `spec`. (kube-apiserver's per-kind strategies reset a few metadata fields as well.)
 */
export function resetFieldsFor(kind: KindRef, subresource?: string): FieldSet | undefined {
  const info = findKind(kind.apiVersion, kind.kind);
  if (subresource === 'status') return FieldSet.of([f('spec')]);
  if (subresource === undefined && info?.subresources.includes('status')) {
    return FieldSet.of([f('status')]);
  }
  return undefined;
}

/**
 * Keeps at most `updateManagersMax` `Update` managers: the oldest are merged, per API version,
 * into an `ancient-changes` manager that carries the newest merged time.
 */
export function capUpdateManagers(managers: Managers, max = updateManagersMax): void {
  const updaters = [...managers].filter(([, m]) => !m.applied).map(([k]) => k);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => {
    const d = seconds(managers.get(a)?.time) - seconds(managers.get(b)?.time);
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
  const firstOfVersion = new Map<string, string>();
  let count = updaters.length;
  for (let i = 0; i < updaters.length && count > max; i++) {
    const key = updaters[i];
    const m = managers.get(key)!;
    const bucket = managerIdentifier({
      manager: ANCIENT_CHANGES_MANAGER,
      operation: 'Update',
      apiVersion: m.apiVersion,
    });
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, key);
      continue;
    }
    if (!managers.has(bucket)) {
      managers.set(bucket, managers.get(first)!);
      managers.delete(first);
    }
    const into = managers.get(bucket)!;
    managers.set(bucket, { ...m, set: m.set.union(into.set), time: m.time });
    managers.delete(key);
    count--;
  }
}
