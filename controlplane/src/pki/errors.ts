import { WispError } from '@wisp/core';

/** A certificate or key on disk that cannot be used: unreadable, mismatched, or not a CA. */
export class CertificateFileError extends WispError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID', `${path}: ${message}`, options);
    this.path = path;
  }
}

/** A request to issue a certificate that makes no sense (no hosts, a bad validity, ...). */
export class CertificateRequestError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID', message, options);
  }
}
