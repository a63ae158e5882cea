/**
 * The one place errors become Kubernetes `Status` bodies (STYLE rule 11).
 */
import type { Status, StatusReason, StatusDetails } from '@wisp/api';
import { WispError } from '@wisp/core';
import type { ErrorCode } from '@wisp/core';
import { isPatchError } from '@wisp/api/patch/index.ts';

const BY_CODE: Record<ErrorCode, [number, StatusReason]> = {
  ERR_NOT_FOUND: [404, 'NotFound'],
  ERR_ALREADY_EXISTS: [409, 'AlreadyExists'],
  ERR_CONFLICT: [409, 'Conflict'],
  ERR_COMPACTED: [410, 'Expired'],
  // A watcher that fell too far behind must re-list, exactly as after compaction.
  ERR_TOO_SLOW: [410, 'Expired'],
  ERR_INVALID: [422, 'Invalid'],
  ERR_BAD_REQUEST: [400, 'BadRequest'],
  ERR_FORBIDDEN: [403, 'Forbidden'],
  ERR_UNAUTHORIZED: [401, 'Unauthorized'],
  ERR_TOO_LARGE: [413, 'RequestEntityTooLarge'],
  ERR_UNSUPPORTED_MEDIA_TYPE: [415, 'UnsupportedMediaType'],
  ERR_METHOD_NOT_ALLOWED: [405, 'MethodNotAllowed'],
  ERR_NOT_ACCEPTABLE: [406, 'NotAcceptable'],
  ERR_TOO_MANY_REQUESTS: [429, 'TooManyRequests'],
  ERR_TIMEOUT: [504, 'Timeout'],
  ERR_CLOSED: [503, 'ServiceUnavailable'],
  ERR_STORE_UNAVAILABLE: [503, 'ServiceUnavailable'],
  ERR_INTERNAL: [500, 'InternalError'],
};

interface ErrorExtras {
  resource?: { group: string; plural: string; kind: string };
  objectName?: string;
  causes?: StatusDetails['causes'];
}

export function statusFor(e: unknown): Status {
  if (isPatchError(e)) return failure(e.status, e.reason, e.message);
  if (e instanceof WispError) {
    const code = (e as { code: ErrorCode }).code;
    const [http, reason] = BY_CODE[code] ?? [500, 'InternalError'];
    const x = e as WispError & ErrorExtras;
    const details: StatusDetails = {};
    if (x.objectName !== undefined) details.name = x.objectName;
    if (x.resource) {
      details.group = x.resource.group || undefined;
      // Upstream names the kind in Invalid errors and the resource in the others.
      details.kind = code === 'ERR_INVALID' ? x.resource.kind : x.resource.plural;
    }
    if (x.causes && x.causes.length > 0) details.causes = x.causes;
    if (details.group === undefined) delete details.group;
    return failure(http, reason, e.message, Object.keys(details).length ? details : undefined);
  }
  const message = e instanceof Error ? e.message : String(e);
  return failure(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function failure(
  code: number,
  reason: StatusReason,
  message: string,
  details?: StatusDetails,
): Status {
  const s: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) s.details = details;
  return s;
}

export function success(details?: StatusDetails): Status {
  const s: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    code: 200,
  };
  if (details) s.details = details;
  return s;
}
