/**
 * Subresources: `status` (written by controllers and agents), `scale` (kubectl scale), `binding`
 * (the scheduler), `eviction` (kubectl drain) and `log` (kubectl logs).
 */
import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { labelSelectorAsString } from '@wisp/api';
import {
  BadRequestError,
  MethodNotAllowedError,
  ObjectConflictError,
  ObjectNotFoundError,
} from '../registry/errors.ts';
import { applyMergePatch } from '@wisp/api/patch/index.ts';
import { decodeBody, decodeObject, mediaType, readBody } from './body.ts';
import { applyPatch } from './patch-handler.ts';
import { bindPod } from '../registry/pod-binding.ts';
import type { RequestInfo } from './request-info.ts';
import type { HandlerContext, PodLogOptions } from './resource-handlers.ts';
import { readObject, writeOptions } from './resource-handlers.ts';
import { respondObject } from './respond.ts';
import { success } from './status.ts';

export async function handleSubresource(
  c: Context,
  ri: RequestInfo,
  h: HandlerContext,
): Promise<Response> {
  const info = ri.info!;
  const sub = ri.subresource!;
  if (!info.subresources.includes(sub as never) || !ri.name) {
    return c.notFound() as Response;
  }
  const q = new URL(c.req.url).searchParams;
  switch (sub) {
    case 'status':
      return status(c, info, ri, h, q);
    case 'scale':
      return scale(c, info, ri, h, q);
    case 'binding':
      return binding(c, info, ri, h, q);
    case 'eviction':
      return eviction(c, info, ri, h, q);
    case 'log':
      return logs(c, info, ri, h, q);
    default:
      return c.notFound() as Response;
  }
}

async function status(
  c: Context,
  info: ResourceInfo,
  ri: RequestInfo,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<Response> {
  switch (ri.verb) {
    case 'get':
      return respondObject(c, info, await h.registry.get(info, ri.namespace, ri.name!), 200, h);
    case 'update': {
      const { obj } = await readObject(c, info, h, q);
      obj.metadata.name ??= ri.name;
      const options = { ...writeOptions(q, c, h.user), subresource: 'status' as const };
      return respondObject(
        c,
        info,
        await h.registry.update(info, ri.namespace, obj, options),
        200,
        h,
      );
    }
    case 'patch':
      return applyPatch(c, info, ri, h, q, 'status');
    default:
      throw new MethodNotAllowedError(`${ri.verb} is not allowed on ${info.plural}/status`);
  }
}

type Scale = KubeObject & {
  spec: { replicas?: number };
  status?: { replicas: number; selector?: string };
};

function toScale(obj: KubeObject): Scale {
  const spec = obj.spec as { replicas?: number; selector?: unknown };
  const st = obj.status as { replicas?: number } | undefined;
  const m = obj.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: {
      replicas: st?.replicas ?? 0,
      selector: spec.selector ? labelSelectorAsString(spec.selector as never) : undefined,
    },
  };
}

async function scale(
  c: Context,
  info: ResourceInfo,
  ri: RequestInfo,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<Response> {
  const out = (obj: KubeObject, code = 200) => c.json(toScale(obj), code as 200);
  if (ri.verb === 'get') return out(await h.registry.get(info, ri.namespace, ri.name!));
  if (ri.verb !== 'update' && ri.verb !== 'patch') {
    throw new MethodNotAllowedError(`${ri.verb} is not allowed on ${info.plural}/scale`);
  }
  const text = await readBody(c.req.raw, h.bodyBytesMax);
  const type = mediaType(c.req.raw);
  const options = writeOptions(q, c, h.user);
  const { object } = await h.registry.modify(
    info,
    ri.namespace,
    ri.name!,
    (current) => {
      if (!current) throw new ObjectNotFoundError(info, ri.name!);
      const desired =
        ri.verb === 'update'
          ? (decodeObject(text, type) as Scale)
          : (applyMergePatch(toScale(current), decodeBody(text, 'json')) as Scale);
      const wanted = desired.metadata?.resourceVersion;
      if (wanted && wanted !== current.metadata.resourceVersion) {
        throw new ObjectConflictError(info, ri.name!, 'the object has been modified');
      }
      const replicas = desired.spec?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw new BadRequestError(`spec.replicas: Invalid value: ${JSON.stringify(replicas)}`);
      }
      (current.spec as { replicas: number }).replicas = replicas;
      return current;
    },
    options,
  );
  return out(object);
}

async function binding(
  c: Context,
  info: ResourceInfo,
  ri: RequestInfo,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<Response> {
  if (ri.verb !== 'create') throw new MethodNotAllowedError('binding only accepts POST');
  const { obj } = await readObject(c, info, h, IGNORE_UNKNOWN);
  const target = (obj as { target?: { kind?: string; name?: string } }).target;
  if (!target?.name) throw new BadRequestError('target.name: Required value');
  await bindPod(h.registry, ri.namespace!, ri.name!, target.name, writeOptions(q, c, h.user));
  return c.json(success(), 201);
}

/** Evictions go through the PodDisruptionBudget check the registry's admission applies. */
async function eviction(
  c: Context,
  info: ResourceInfo,
  ri: RequestInfo,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<Response> {
  if (ri.verb !== 'create') throw new MethodNotAllowedError('eviction only accepts POST');
  const { obj } = await readObject(c, info, h, IGNORE_UNKNOWN);
  const opts = (obj as { deleteOptions?: { gracePeriodSeconds?: number } }).deleteOptions;
  await h.registry.delete(info, ri.namespace, ri.name!, {
    ...writeOptions(q, c, h.user),
    gracePeriodSeconds: opts?.gracePeriodSeconds,
    eviction: true,
  });
  return c.json(success(), 201);
}

async function logs(
  c: Context,
  info: ResourceInfo,
  ri: RequestInfo,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<Response> {
  if (ri.verb !== 'get') throw new MethodNotAllowedError('log only accepts GET');
  const pod = await h.registry.get(info, ri.namespace, ri.name!);
  const spec = pod.spec as { nodeName?: string; containers: { name: string }[] };
  const container = q.get('container') ?? undefined;
  if (!container && spec.containers.length > 1) {
    const names = spec.containers.map((x) => x.name).join(' ');
    throw new BadRequestError(
      `a container name must be specified for pod ${ri.name}, choose one of: [${names}]`,
    );
  }
  if (container && !spec.containers.some((x) => x.name === container)) {
    throw new BadRequestError(`container ${container} is not valid for pod ${ri.name}`);
  }
  if (!spec.nodeName || !h.logs) {
    const name = container ?? spec.containers[0]?.name;
    throw new BadRequestError(
      `container "${name}" in pod "${ri.name}" is waiting to start: ContainerCreating`,
    );
  }
  // The client going away ends a follow: the response's `close`, as for watches.
  const ac = new AbortController();
  (c.env as Partial<HttpBindings> | undefined)?.outgoing?.on('close', () => ac.abort());
  c.req.raw.signal?.addEventListener('abort', () => ac.abort(), { once: true });
  const body = await h.logs.read(pod, { container, ...logQuery(q) }, ac.signal);
  return c.body(body as never, 200, { 'content-type': 'text/plain' });
}

function logQuery(q: URLSearchParams): Omit<PodLogOptions, 'container'> {
  const int = (name: string): number | undefined => {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new BadRequestError(`${name}: Invalid value: ${v}`);
    return n;
  };
  const sinceTime = q.get('sinceTime') ?? undefined;
  return {
    follow: q.get('follow') === 'true',
    previous: q.get('previous') === 'true',
    timestamps: q.get('timestamps') === 'true',
    tailLines: int('tailLines'),
    limitBytes: int('limitBytes'),
    sinceSeconds: int('sinceSeconds'),
    ...(sinceTime ? { sinceTime } : {}),
  };
}

/** Binding and Eviction bodies are not checked field by field, as upstream. */
const IGNORE_UNKNOWN = new URLSearchParams({ fieldValidation: 'Ignore' });
