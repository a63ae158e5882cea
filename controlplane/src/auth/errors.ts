import { WispError } from '@wisp/core';

/** `tokens.json` exists but cannot be read as a token list. */
export class TokenFileError extends WispError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID', `${path}: ${message}`, options);
    this.path = path;
  }
}

/** A token request that cannot be honoured (no user name, ...). */
export class TokenRequestError extends WispError {
  constructor(message: string) {
    super('ERR_INVALID', message);
  }
}

/** A SubjectAccessReview spec that asks nothing or two things at once. */
export class AccessReviewInvalidError extends WispError {
  constructor(message: string) {
    super('ERR_INVALID', message);
  }
}
