import { WispError } from '@wisp/core';

/** A join token that is unknown, expired, or for another cluster. Never echoes the token. */
export class JoinTokenRefusedError extends WispError {
  readonly reason: 'unknown' | 'expired' | 'malformed' | 'wrong-cluster';
  constructor(reason: JoinTokenRefusedError['reason'], message: string) {
    super('ERR_UNAUTHORIZED', message);
    this.reason = reason;
  }
}

/** `join-tokens.json` exists but cannot be read as a token list. */
export class JoinTokenFileError extends WispError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID', `${path}: ${message}`, options);
    this.path = path;
  }
}

/** A join the control plane will not grant: a revoked node, a site the token does not allow. */
export class JoinForbiddenError extends WispError {
  constructor(message: string) {
    super('ERR_FORBIDDEN', message);
  }
}
