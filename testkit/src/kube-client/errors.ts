/**
 * Failures of the Kubernetes REST client as named errors. An error answer from the server keeps
 * its `Status` (reason, HTTP code, details) so callers switch on `code` or `reason`, never on
 * message text (STYLE rule 11).
 */
import type { Status, StatusReason } from '@wisp/api';
import { WispError } from '@wisp/core';
import type { ErrorCode } from '@wisp/core';

/** Any error answer from the apiserver. */
export class KubeApiError extends WispError {
  readonly reason: StatusReason | undefined;
  /** The HTTP status code of the answer. */
  readonly statusCode: number;
  readonly status: Status;
  constructor(code: ErrorCode, status: Status) {
    super(code, status.message ?? `${status.reason ?? 'Error'} (${status.code})`);
    this.reason = status.reason;
    this.statusCode = status.code;
    this.status = status;
  }
}

export class KubeNotFoundError extends KubeApiError {}
export class KubeAlreadyExistsError extends KubeApiError {}
export class KubeConflictError extends KubeApiError {}
export class KubeInvalidError extends KubeApiError {}
export class KubeForbiddenError extends KubeApiError {}
export class KubeUnauthorizedError extends KubeApiError {}
/** 410: a watch or list from a compacted resourceVersion; list again. */
export class KubeGoneError extends KubeApiError {}
/** 429: throttled, or an eviction refused by a PodDisruptionBudget. */
export class KubeTooManyRequestsError extends KubeApiError {
  get retryAfterSeconds(): number | undefined {
    return this.status.details?.retryAfterSeconds;
  }
}

type ApiErrorClass = new (code: ErrorCode, status: Status) => KubeApiError;

const BY_REASON: Record<StatusReason, [ErrorCode, ApiErrorClass]> = {
  NotFound: ['ERR_NOT_FOUND', KubeNotFoundError],
  AlreadyExists: ['ERR_ALREADY_EXISTS', KubeAlreadyExistsError],
  Conflict: ['ERR_CONFLICT', KubeConflictError],
  Invalid: ['ERR_INVALID', KubeInvalidError],
  BadRequest: ['ERR_BAD_REQUEST', KubeApiError],
  Forbidden: ['ERR_FORBIDDEN', KubeForbiddenError],
  Unauthorized: ['ERR_UNAUTHORIZED', KubeUnauthorizedError],
  Gone: ['ERR_COMPACTED', KubeGoneError],
  Expired: ['ERR_COMPACTED', KubeGoneError],
  MethodNotAllowed: ['ERR_METHOD_NOT_ALLOWED', KubeApiError],
  NotAcceptable: ['ERR_NOT_ACCEPTABLE', KubeApiError],
  UnsupportedMediaType: ['ERR_UNSUPPORTED_MEDIA_TYPE', KubeApiError],
  RequestEntityTooLarge: ['ERR_TOO_LARGE', KubeApiError],
  TooManyRequests: ['ERR_TOO_MANY_REQUESTS', KubeTooManyRequestsError],
  Timeout: ['ERR_TIMEOUT', KubeApiError],
  ServiceUnavailable: ['ERR_CLOSED', KubeApiError],
  InternalError: ['ERR_INTERNAL', KubeApiError],
};

/** The reason an apiserver gives for an HTTP code when its body is not a Status. */
const REASON_BY_HTTP: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The named error for a Status answer (or a bare HTTP code with its body text). */
export function kubeErrorFromStatus(status: Status): KubeApiError {
  const known = status.reason ? BY_REASON[status.reason] : undefined;
  const byHttp = REASON_BY_HTTP[status.code];
  const [code, ErrorClass] = known ?? (byHttp ? BY_REASON[byHttp] : BY_REASON.InternalError);
  return new ErrorClass(code, status);
}

/** Reads an error body: a `Status` when the server sent one, otherwise one made from the code. */
export function statusFromBody(httpCode: number, body: string): Status {
  try {
    const parsed = JSON.parse(body) as Partial<Status>;
    if (parsed && parsed.kind === 'Status') {
      return { ...parsed, code: parsed.code ?? httpCode } as Status;
    }
  } catch {
    // Not JSON: a proxy or a plain-text error; keep the text as the message.
  }
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    code: httpCode,
    reason: REASON_BY_HTTP[httpCode] ?? 'InternalError',
    message: body.trim() || `the server responded with HTTP ${httpCode}`,
  };
}

/** The server could not be reached, or the connection broke mid-answer. */
export class KubeConnectionError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CLOSED', message, options);
  }
}

/** No answer within `requestTimeoutMs`. */
export class KubeTimeoutError extends WispError {
  constructor(what: string, timeoutMs: number) {
    super('ERR_TIMEOUT', `${what}: no answer within ${timeoutMs} ms`);
  }
}

/** An answer (or one watch event) larger than the client accepts. */
export class KubeResponseTooLargeError extends WispError {
  constructor(what: string, bytesMax: number) {
    super('ERR_TOO_LARGE', `${what}: larger than ${bytesMax} bytes`);
  }
}

/** A kubeconfig the client cannot use; the message names the field. */
export class KubeconfigError extends WispError {
  constructor(message: string) {
    super('ERR_INVALID', message);
  }
}

/** True for an error answer with this reason (`isKubeReason(e, 'NotFound')`). */
export function isKubeReason(e: unknown, reason: StatusReason): e is KubeApiError {
  return e instanceof KubeApiError && e.reason === reason;
}

/** An answer that is not the JSON it claims to be. */
export class KubeDecodeError extends WispError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('ERR_INTERNAL', `${what}: the server's answer is not valid JSON`, options);
  }
}
