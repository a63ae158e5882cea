/**
 * PATCH in its four content types: json-patch, merge-patch, strategic-merge-patch (what
 * `kubectl apply` sends) and apply-patch (`kubectl apply --server-side`). The patch is applied
 * to the latest object inside the registry's read-modify-write loop, so concurrent writers
 * retry rather than overwrite each other.
 */
import type { Context } from 'hono';
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { apiVersionOf } from '@wisp/api';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
} from '@wisp/api/patch/index.ts';
import {
  conflictCauses,
  conflictMessage,
  serverSideApply,
} from '@wisp/api/managed-fields/index.ts';
import { findUnknownFields } from '@wisp/api/openapi/index.ts';
import { rfc3339 } from '@wisp/core';
import { BadRequestError, ApplyConflictError, ObjectNotFoundError } from '../registry/errors.ts';
import { decodeBody, mediaType, readBody, UnsupportedMediaTypeError } from './body.ts';
import type { RequestInfo } from './request-info.ts';
import type { HandlerContext } from './resource-handlers.ts';
import { writeOptions } from './resource-handlers.ts';
import { respondObject } from './respond.ts';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export async function applyPatch(
  c: Context,
  info: ResourceInfo,
  ri: RequestInfo,
  h: HandlerContext,
  q: URLSearchParams,
  subresource?: 'status',
): Promise<Response> {
  const type = TYPES[mediaType(c.req.raw)];
  if (!type) throw new UnsupportedMediaTypeError(mediaType(c.req.raw));
  const body = decodeBody(
    await readBody(c.req.raw, h.bodyBytesMax),
    type === 'apply' ? 'yaml' : 'json',
  );
  const options = { ...writeOptions(q, c, h.user), subresource };
  if (type === 'apply' && !q.get('fieldManager')) {
    throw new BadRequestError('PATCH, fieldManager: Required value: is required for apply patch');
  }
  const mode = q.get('fieldValidation') ?? 'Warn';
  const warnings: string[] = [];
  const { object, created } = await h.registry.modify(
    info,
    ri.namespace,
    ri.name!,
    (current) => {
      const next = patchObject(info, ri, current, type, body, {
        manager: options.fieldManager,
        force: q.get('force') === 'true',
        now: rfc3339(h.clock.now()),
      });
      const unknown = findUnknownFields(apiVersionOf(info), info.kind, next).map(
        (p) => `unknown field "${p.replace(/^\./, '')}"`,
      );
      if (unknown.length && mode === 'Strict') {
        throw new BadRequestError(`strict decoding error: ${unknown.join(', ')}`);
      }
      if (mode === 'Warn') warnings.splice(0, warnings.length, ...unknown);
      return next;
    },
    { ...options, fieldManager: type === 'apply' ? undefined : options.fieldManager },
  );
  return respondObject(c, info, object, created ? 201 : 200, h, warnings);
}

function patchObject(
  info: ResourceInfo,
  ri: RequestInfo,
  current: KubeObject | undefined,
  type: PatchType,
  body: unknown,
  ssa: { manager: string | undefined; force: boolean; now: string },
): KubeObject {
  if (type === 'apply') {
    const applied = body as KubeObject;
    if (!applied || typeof applied !== 'object' || Array.isArray(applied)) {
      throw new BadRequestError('apply patch must be an object');
    }
    applied.metadata ??= {};
    if (applied.metadata.name && applied.metadata.name !== ri.name) {
      throw new BadRequestError(
        `the name of the object (${applied.metadata.name}) does not match the name on the URL (${ri.name})`,
      );
    }
    const result = serverSideApply({
      live: current,
      applied,
      manager: ssa.manager!,
      force: ssa.force,
      now: ssa.now,
      kind: { apiVersion: apiVersionOf(info), kind: info.kind },
    });
    if ('conflicts' in result) {
      throw new ApplyConflictError(
        info,
        ri.name!,
        conflictMessage(result.conflicts),
        conflictCauses(result.conflicts),
      );
    }
    return result.object;
  }
  if (!current) throw new ObjectNotFoundError(info, ri.name!);
  const gvk = { apiVersion: apiVersionOf(info), kind: info.kind };
  // PatchError carries its own Status code and reason (see apiserver/status.ts).
  switch (type) {
    case 'json':
      return applyJsonPatch(current, body as never) as unknown as KubeObject;
    case 'merge':
      return applyMergePatch(current, body as never) as unknown as KubeObject;
    case 'strategic':
      return applyStrategicMergePatch(current, body as never, gvk) as unknown as KubeObject;
  }
}
