/**
 * Errors the registry raises, each mapping to one Kubernetes `Status` reason in
 * `apiserver/status.ts`. Callers switch on `code`.
 */
import { WispError } from '@wisp/core';
import type { StatusCause } from '@wisp/api';

export interface QualifiedKind {
  readonly group: string;
  readonly plural: string;
  readonly kind: string;
}

function qualified(r: QualifiedKind): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

/** HTTP 404 NotFound: `pods "web" not found`. */
export class ObjectNotFoundError extends WispError {
  readonly resource: QualifiedKind;
  readonly objectName: string;
  constructor(resource: QualifiedKind, name: string) {
    super('ERR_NOT_FOUND', `${qualified(resource)} "${name}" not found`);
    this.resource = resource;
    this.objectName = name;
  }
}

/** HTTP 409 AlreadyExists. */
export class ObjectExistsError extends WispError {
  readonly resource: QualifiedKind;
  readonly objectName: string;
  constructor(resource: QualifiedKind, name: string) {
    super('ERR_ALREADY_EXISTS', `${qualified(resource)} "${name}" already exists`);
    this.resource = resource;
    this.objectName = name;
  }
}

/** HTTP 409 Conflict: a stale resourceVersion or a failed precondition. */
export class ObjectConflictError extends WispError {
  readonly resource: QualifiedKind;
  readonly objectName: string;
  readonly causes: StatusCause[];
  constructor(resource: QualifiedKind, name: string, why: string, causes: StatusCause[] = []) {
    super(
      'ERR_CONFLICT',
      `Operation cannot be fulfilled on ${qualified(resource)} "${name}": ${why}`,
    );
    this.resource = resource;
    this.objectName = name;
    this.causes = causes;
  }
}

/** HTTP 422 Invalid, with one cause per field error. */
export class ObjectInvalidError extends WispError {
  readonly resource: QualifiedKind;
  readonly objectName: string;
  readonly causes: StatusCause[];
  constructor(resource: QualifiedKind, name: string, causes: StatusCause[]) {
    const list = causes.map((c) => `${c.field}: ${c.message}`);
    const body = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    const kind = resource.group ? `${resource.kind}.${resource.group}` : resource.kind;
    super('ERR_INVALID', `${kind} "${name}" is invalid: ${body}`);
    this.resource = resource;
    this.objectName = name;
    this.causes = causes;
  }
}

/** HTTP 400 BadRequest. */
export class BadRequestError extends WispError {
  readonly causes: StatusCause[];
  constructor(message: string, causes: StatusCause[] = []) {
    super('ERR_BAD_REQUEST', message);
    this.causes = causes;
  }
}

/** HTTP 403 Forbidden (authorization, or a namespace being terminated). */
export class ForbiddenError extends WispError {
  readonly resource?: QualifiedKind;
  readonly objectName?: string;
  constructor(message: string, resource?: QualifiedKind, name?: string) {
    super('ERR_FORBIDDEN', message);
    this.resource = resource;
    this.objectName = name;
  }
}

/** HTTP 405 MethodNotAllowed. */
export class MethodNotAllowedError extends WispError {
  constructor(message: string) {
    super('ERR_METHOD_NOT_ALLOWED', message);
  }
}

/** HTTP 429 TooManyRequests for an eviction a PodDisruptionBudget refuses. */
export class TooManyRequestsError extends WispError {
  readonly causes: StatusCause[];
  constructor(message: string, causes: StatusCause[] = []) {
    super('ERR_TOO_MANY_REQUESTS', message);
    this.causes = causes;
  }
}

/** HTTP 409 Conflict from server-side apply: the message lists the conflicting fields. */
export class ApplyConflictError extends WispError {
  readonly resource: QualifiedKind;
  readonly objectName: string;
  readonly causes: StatusCause[];
  constructor(resource: QualifiedKind, name: string, message: string, causes: StatusCause[]) {
    super('ERR_CONFLICT', message);
    this.resource = resource;
    this.objectName = name;
    this.causes = causes;
  }
}
