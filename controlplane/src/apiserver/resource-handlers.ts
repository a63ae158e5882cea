/**
 * Verbs on resources: turns an HTTP request (already authenticated and authorized) into registry
 * calls and the registry's answers into responses (objects, lists, Tables, watch streams).
 */
import type { Context } from 'hono';
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { findUnknownFields } from '@wisp/api/openapi/index.ts';
import type { Clock } from '@wisp/core';
import type { Registry } from '../registry/registry.ts';
import { BadRequestError, MethodNotAllowedError } from '../registry/errors.ts';
import type { DeleteOptions, UserInfo, WriteOptions } from '../registry/types.ts';
import { decodeObject, mediaType, readBody } from './body.ts';
import type { RequestInfo } from './request-info.ts';
import { respondObject, respondList } from './respond.ts';
import { streamWatch } from './watch-stream.ts';
import { applyPatch } from './patch-handler.ts';
import { handleSubresource } from './subresources.ts';
import { success } from './status.ts';
import type { Authorizer } from './app.ts';

/** The `pods/log` query (upstream `PodLogOptions`). */
export interface PodLogOptions {
  readonly container?: string;
  readonly follow: boolean;
  readonly tailLines?: number;
  readonly previous: boolean;
  readonly timestamps?: boolean;
  readonly limitBytes?: number;
  readonly sinceSeconds?: number;
  /** RFC 3339. */
  readonly sinceTime?: string;
}

/** Where `kubectl logs` reads from: the agent that runs the pod (controlplane/src/logs). */
export interface PodLogSource {
  /** `signal` aborts when the client goes away. */
  read(
    pod: KubeObject,
    options: PodLogOptions,
    signal: AbortSignal,
  ): Promise<ReadableStream<Uint8Array> | string>;
}

export interface HandlerContext {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly authorizer: Authorizer;
  readonly logs?: PodLogSource;
  readonly bodyBytesMax: number;
  readonly user: UserInfo;
}

export async function handleResource(
  c: Context,
  ri: RequestInfo,
  h: HandlerContext,
): Promise<Response> {
  const info = ri.info!;
  if (info.namespaced === false && ri.namespace !== undefined) {
    return c.notFound() as Response;
  }
  if (ri.subresource) return handleSubresource(c, ri, h);
  if (info.virtual) return handleVirtual(c, ri, h);
  const q = new URL(c.req.url).searchParams;
  switch (ri.verb) {
    case 'get':
      return respondObject(c, info, await h.registry.get(info, ri.namespace, ri.name!), 200, h);
    case 'list':
      return respondList(c, info, await h.registry.list(info, ri.namespace, listQuery(q)), h);
    case 'watch':
      return streamWatch(c, info, ri, h, q);
    case 'create':
      return create(c, info, ri, h, q);
    case 'update':
      return update(c, info, ri, h, q);
    case 'patch':
      return applyPatch(c, info, ri, h, q);
    case 'delete':
      return remove(c, info, ri, h, q);
    case 'deletecollection':
      return deleteCollection(c, info, ri, h, q);
    default:
      throw new MethodNotAllowedError(
        `the server does not allow this method on the requested resource`,
      );
  }
}

export function listQuery(q: URLSearchParams) {
  const limit = q.get('limit');
  return {
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: limit ? Number(limit) : undefined,
    continue: q.get('continue') ?? undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
  };
}

export function writeOptions(q: URLSearchParams, c: Context, user: UserInfo): WriteOptions {
  const dryRun = q.getAll('dryRun');
  for (const d of dryRun) {
    if (d !== 'All')
      throw new BadRequestError(`Invalid dry run value: "${d}": supported values: "All"`);
  }
  return {
    dryRun: dryRun.length > 0,
    fieldManager: q.get('fieldManager') ?? defaultManager(c.req.header('user-agent')),
    user,
  };
}

/** kube-apiserver names an unnamed manager after the user agent's first word. */
function defaultManager(ua: string | undefined): string {
  return (ua ?? 'unknown').split('/')[0].slice(0, 128) || 'unknown';
}

/**
 * Reads the body as an object of this resource, enforcing `fieldValidation`. Returns the object
 * and any warnings to send back (Warn mode).
 */
export async function readObject(
  c: Context,
  info: ResourceInfo,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<{ obj: KubeObject; warnings: string[] }> {
  const text = await readBody(c.req.raw, h.bodyBytesMax);
  const obj = decodeObject(text, mediaType(c.req.raw));
  const mode = q.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(mode)) {
    throw new BadRequestError(`fieldValidation must be one of "Ignore", "Warn", or "Strict"`);
  }
  if (mode === 'Ignore') return { obj, warnings: [] };
  const unknown = findUnknownFields(obj.apiVersion ?? '', obj.kind ?? info.kind, obj).map(
    (p) => `unknown field "${p.replace(/^\./, '')}"`,
  );
  if (unknown.length && mode === 'Strict') {
    throw new BadRequestError(`strict decoding error: ${unknown.join(', ')}`);
  }
  return { obj, warnings: unknown };
}

function checkKind(info: ResourceInfo, obj: KubeObject): void {
  if (obj.kind && obj.kind !== info.kind) {
    throw new BadRequestError(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version` +
        ` or kind ${info.kind} (got ${obj.kind})`,
    );
  }
}

async function create(
  c: Context,
  info: ResourceInfo,
  ri: RequestInfo,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<Response> {
  if (ri.name) throw new MethodNotAllowedError('POST is not allowed on a named object');
  const { obj, warnings } = await readObject(c, info, h, q);
  checkKind(info, obj);
  const created = await h.registry.create(info, ri.namespace, obj, writeOptions(q, c, h.user));
  return respondObject(c, info, created, 201, h, warnings);
}

async function update(
  c: Context,
  info: ResourceInfo,
  ri: RequestInfo,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<Response> {
  const { obj, warnings } = await readObject(c, info, h, q);
  checkKind(info, obj);
  if (obj.metadata.name && obj.metadata.name !== ri.name) {
    throw new BadRequestError(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${ri.name})`,
    );
  }
  obj.metadata.name = ri.name;
  const updated = await h.registry.update(info, ri.namespace, obj, writeOptions(q, c, h.user));
  return respondObject(c, info, updated, 200, h, warnings);
}

async function deleteOptions(
  c: Context,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<DeleteOptions> {
  const text = await readBody(c.req.raw, h.bodyBytesMax);
  const body = text.trim()
    ? (decodeObject(text, mediaType(c.req.raw)) as unknown as Record<string, unknown>)
    : {};
  const grace = q.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  const policy = (q.get('propagationPolicy') ?? body.propagationPolicy) as
    DeleteOptions['propagationPolicy'] | undefined;
  if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw new BadRequestError(`propagationPolicy: Unsupported value: "${policy}"`);
  }
  const orphan = q.get('orphanDependents') ?? body.orphanDependents;
  const dryRun = [...q.getAll('dryRun'), ...((body.dryRun as string[] | undefined) ?? [])];
  return {
    ...writeOptions(
      new URLSearchParams(dryRun.map((d): [string, string] => ['dryRun', d])),
      c,
      h.user,
    ),
    gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
    propagationPolicy: policy ?? (String(orphan) === 'true' ? 'Orphan' : undefined),
    preconditions: body.preconditions as DeleteOptions['preconditions'],
  };
}

async function remove(
  c: Context,
  info: ResourceInfo,
  ri: RequestInfo,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<Response> {
  const options = await deleteOptions(c, h, q);
  const { object, deleted } = await h.registry.delete(info, ri.namespace, ri.name!, options);
  return respondObject(c, info, object, deleted ? 200 : 202, h);
}

async function deleteCollection(
  c: Context,
  info: ResourceInfo,
  ri: RequestInfo,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<Response> {
  const options = await deleteOptions(c, h, q);
  const list = await h.registry.list(info, ri.namespace, listQuery(q));
  for (const item of list.items) {
    try {
      await h.registry.delete(info, item.metadata.namespace, item.metadata.name!, options);
    } catch (e) {
      if (!(e instanceof Error && 'code' in e && e.code === 'ERR_NOT_FOUND')) throw e;
    }
  }
  return c.json(success());
}

/** SelfSubjectAccessReview: answers "can I?" for the caller; nothing is stored. */
async function handleVirtual(c: Context, ri: RequestInfo, h: HandlerContext): Promise<Response> {
  if (ri.verb !== 'create') throw new MethodNotAllowedError('only create is allowed');
  const q = new URL(c.req.url).searchParams;
  const { obj } = await readObject(c, ri.info!, h, q);
  const spec = (obj.spec ?? {}) as {
    resourceAttributes?: Record<string, string>;
    nonResourceAttributes?: { path?: string; verb?: string };
  };
  const ra = spec.resourceAttributes;
  const na = spec.nonResourceAttributes;
  const attrs = ra
    ? {
        verb: ra.verb ?? '',
        apiGroup: ra.group ?? '',
        resource: ra.resource ?? '',
        subresource: ra.subresource || undefined,
        namespace: ra.namespace || undefined,
        name: ra.name || undefined,
      }
    : { verb: na?.verb ?? '', nonResourceURL: na?.path ?? '' };
  const d = await h.authorizer.authorize(h.user, attrs);
  const status = { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
  return c.json(
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec,
      status,
    },
    201,
  );
}
