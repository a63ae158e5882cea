/**
 * `metadata.managedFields` decoded into one field set per manager, and encoded back in
 * kube-apiserver's order. A manager is identified as kube-apiserver identifies it: by name,
 * operation and subresource, plus the API version for `Update` entries.
 */
import type { ManagedFieldsEntry } from '../meta.ts';
import { isJsonObject, type JsonValue } from '../patch/json-value.ts';
import { PatchError } from '../patch/patch-error.ts';
import { FieldSet } from './field-set.ts';
import { fromFieldsV1, toFieldsV1 } from './fields-v1.ts';

export interface ManagerIdentity {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  /** Part of the identity of `Update` entries only. */
  readonly apiVersion?: string;
  readonly subresource?: string;
}

export interface ManagerSet {
  readonly set: FieldSet;
  readonly apiVersion: string;
  readonly applied: boolean;
  readonly time?: string;
}

/** Manager identifier → what it owns. */
export type Managers = Map<string, ManagerSet>;

/** kube-apiserver's identifier: the entry's JSON without time, fields and (for Apply) version. */
export function managerIdentifier(id: ManagerIdentity): string {
  const entry: Record<string, string> = {};
  if (id.manager) entry.manager = id.manager;
  entry.operation = id.operation;
  if (id.operation === 'Update' && id.apiVersion) entry.apiVersion = id.apiVersion;
  if (id.subresource) entry.subresource = id.subresource;
  return JSON.stringify(entry);
}

export function parseManagerIdentifier(identifier: string): ManagerIdentity {
  const e = JSON.parse(identifier) as Record<string, string | undefined>;
  return {
    manager: e.manager ?? '',
    operation: e.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: e.apiVersion,
    subresource: e.subresource,
  };
}

export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Managers {
  const out: Managers = new Map();
  (entries ?? []).forEach((raw: unknown, i) => {
    const where = `metadata.managedFields[${i}]`;
    if (!isJsonObject(raw)) throw bad(`${where}: must be an object`);
    const e = raw as ManagedFieldsEntry;
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      throw bad(`${where}.operation: Unsupported value: must be Apply or Update`);
    }
    if (!e.apiVersion) throw bad(`${where}.apiVersion: Required value`);
    if (e.fieldsType !== 'FieldsV1') {
      throw bad(`${where}.fieldsType: Unsupported value: ${JSON.stringify(e.fieldsType ?? '')}`);
    }
    const id = { manager: e.manager ?? '', operation: e.operation, apiVersion: e.apiVersion };
    const key = managerIdentifier({ ...id, subresource: e.subresource });
    const set = fromFieldsV1(e.fieldsV1 as JsonValue | undefined);
    out.set(key, { set, apiVersion: e.apiVersion, applied: e.operation === 'Apply', time: e.time });
  });
  return out;
}

function bad(message: string): PatchError {
  return new PatchError('ERR_BAD_REQUEST', message);
}

/** The entries for `metadata.managedFields`, or `undefined` when nobody manages anything. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] | undefined {
  if (managers.size === 0) return undefined;
  const entries = [...managers].map(([key, m]) => {
    const id = parseManagerIdentifier(key);
    const entry: ManagedFieldsEntry = {};
    if (id.manager) entry.manager = id.manager;
    entry.operation = m.applied ? 'Apply' : id.operation;
    entry.apiVersion = m.apiVersion;
    if (m.time !== undefined) entry.time = m.time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = toFieldsV1(m.set);
    if (id.subresource) entry.subresource = id.subresource;
    return entry;
  });
  return entries.sort(compareEntries);
}

function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  return (
    compare(p.operation, q.operation) ||
    seconds(p.time) - seconds(q.time) ||
    compare(p.manager, q.manager) ||
    compare(p.apiVersion, q.apiVersion) ||
    compare(p.subresource, q.subresource)
  );
}

function compare(a = '', b = ''): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whole seconds of an RFC 3339 time, as kube-apiserver sorts; no time sorts first. */
export function seconds(time: string | undefined): number {
  if (time === undefined) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}
