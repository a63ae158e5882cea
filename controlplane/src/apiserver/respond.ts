/**
 * Writing objects and lists back, as JSON or as a `meta.k8s.io/v1 Table` when the client asks
 * for one (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), which is how `kubectl get`
 * prints real columns.
 */
import type { Context } from 'hono';
import type { KubeList, KubeObject, ResourceInfo } from '@wisp/api';
import { toTable } from '@wisp/api/table/index.ts';
import type { Clock } from '@wisp/core';

export function wantsTable(c: Context): boolean {
  return /as=Table/.test(c.req.header('accept') ?? '');
}

type IncludeObject = 'None' | 'Object' | 'Metadata';

export function includeObject(c: Context): IncludeObject {
  const v = new URL(c.req.url).searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function headers(warnings: readonly string[] = []): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json' };
  if (warnings.length) {
    h.warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
  }
  return h;
}

export function respondObject(
  c: Context,
  info: ResourceInfo,
  obj: KubeObject,
  status: number,
  h: { clock: Clock },
  warnings?: readonly string[],
): Response {
  const body = wantsTable(c)
    ? toTable(info, [obj], { now: h.clock.now(), includeObject: includeObject(c) })
    : obj;
  return c.body(JSON.stringify(body), status as 200, headers(warnings));
}

export function respondList(
  c: Context,
  info: ResourceInfo,
  list: KubeList,
  h: { clock: Clock },
): Response {
  const body = wantsTable(c)
    ? toTable(info, list.items, {
        now: h.clock.now(),
        includeObject: includeObject(c),
        listMeta: list.metadata,
      })
    : list;
  return c.body(JSON.stringify(body), 200, headers());
}
