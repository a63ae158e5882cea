/**
 * Named errors. Callers switch on `code`, never on message text (STYLE rule 11).
 */
export type ErrorCode =
  | 'ERR_NOT_FOUND'
  | 'ERR_ALREADY_EXISTS'
  | 'ERR_CONFLICT'
  | 'ERR_COMPACTED'
  | 'ERR_INVALID'
  | 'ERR_BAD_REQUEST'
  | 'ERR_FORBIDDEN'
  | 'ERR_UNAUTHORIZED'
  | 'ERR_TOO_LARGE'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_METHOD_NOT_ALLOWED'
  | 'ERR_NOT_ACCEPTABLE'
  | 'ERR_TOO_MANY_REQUESTS'
  | 'ERR_TOO_SLOW'
  | 'ERR_TIMEOUT'
  | 'ERR_CLOSED'
  | 'ERR_STORE_UNAVAILABLE'
  | 'ERR_INTERNAL';

export class WispError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class NotFoundError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_NOT_FOUND', message, options);
  }
}

export class AlreadyExistsError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ALREADY_EXISTS', message, options);
  }
}

/** A write whose expected revision no longer matches the stored one. */
export class ConflictError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CONFLICT', message, options);
  }
}

/** A read or watch from a revision older than the compacted one (HTTP 410 Gone). */
export class CompactedError extends WispError {
  readonly compactRevision: number;
  constructor(requested: number, compactRevision: number) {
    super('ERR_COMPACTED', `too old resource version: ${requested} (${compactRevision})`);
    this.compactRevision = compactRevision;
  }
}

export class ClosedError extends WispError {
  constructor(message = 'closed') {
    super('ERR_CLOSED', message);
  }
}

export function isWispError(e: unknown, code?: ErrorCode): e is WispError {
  return e instanceof WispError && (code === undefined || e.code === code);
}

/**
 * A watcher whose queue overflowed: it is ended so the client re-lists rather than the store
 * buffering without bound.
 */
export class TooSlowError extends WispError {
  readonly queueEventsMax: number;
  constructor(queueEventsMax: number) {
    super(
      'ERR_TOO_SLOW',
      `watch: more than ${queueEventsMax} events queued for a slow watcher; list and watch again`,
    );
    this.queueEventsMax = queueEventsMax;
  }
}

/** A read, watch or compaction at a revision the store has not reached. */
export class FutureRevisionError extends WispError {
  constructor(field: string, requested: number, current: number) {
    super('ERR_BAD_REQUEST', `${field}: revision ${requested} is ahead of current ${current}`);
  }
}
