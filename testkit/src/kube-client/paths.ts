/**
 * URL paths of the Kubernetes REST surface:
 * `/api/v1/namespaces/default/pods/web-1/status`, `/apis/apps/v1/deployments` (all namespaces).
 */
import type { ResourceRef } from './types.ts';

export function resourcePath(
  res: ResourceRef,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
): string {
  const base = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
  // A namespaced resource without a namespace is the all-namespaces collection.
  const ns = res.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  let path = `${base}${ns}/${res.plural}`;
  if (name !== undefined) {
    if (name === '') throw new TypeError(`${res.plural}: an empty name addresses nothing`);
    path += `/${encodeURIComponent(name)}`;
    if (subresource) path += `/${subresource}`;
  }
  return path;
}

/** Appends the defined, non-empty query parameters. */
export function withQuery(
  path: string,
  params: Record<string, string | number | boolean | undefined>,
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '' && v !== false) q.set(k, String(v));
  }
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}
