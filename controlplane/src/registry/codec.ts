/**
 * How objects are written to and read from the store. The stored JSON never carries
 * `resourceVersion`: it is the store revision of the write, filled in on the way out.
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { apiVersionOf } from '@wisp/api';
import type { KeyValue } from '@wisp/core';

export function encode(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

export function decode(kv: KeyValue, resourceVersion = kv.modRevision): KubeObject {
  const obj = JSON.parse(kv.value) as KubeObject;
  obj.metadata.resourceVersion = String(resourceVersion);
  return obj;
}

/** apiVersion, kind and metadata first, status last, as kube-apiserver orders them. */
export function canonical(info: ResourceInfo, obj: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, metadata, status, ...rest } = obj;
  const out: KubeObject = { apiVersion: apiVersionOf(info), kind: info.kind, metadata, ...rest };
  if (status !== undefined) out.status = status;
  return out;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** The fields of an object that count as its spec for `metadata.generation`. */
export function specPart(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return stableJson(rest);
}

/** JSON with object keys sorted, so two encodings of one value compare equal. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}
