/**
 * Errors admission plugins raise beyond the registry's own (registry/errors.ts).
 */
import { WispError } from '@wisp/core';
import type { ResourceInfo } from '@wisp/api';
import type { FieldError } from '@wisp/api';
import { ObjectInvalidError } from '../registry/errors.ts';

/** HTTP 500: an allocator ran out of values (`failed to allocate a serviceIP: range is full`). */
export class RangeFullError extends WispError {
  constructor(what: string) {
    super('ERR_INTERNAL', `Internal error occurred: failed to allocate a ${what}: range is full`);
  }
}

/** HTTP 500 raised by the eviction check, as kube-apiserver answers it. */
export class EvictionInternalError extends WispError {
  constructor(message: string) {
    super('ERR_INTERNAL', message);
  }
}

export function invalidObject(
  info: ResourceInfo,
  name: string,
  errors: readonly FieldError[],
): ObjectInvalidError {
  return new ObjectInvalidError(
    info,
    name,
    errors.map((e) => ({ reason: e.type, field: e.field, message: e.message })),
  );
}
