import { WispError } from '@wisp/core';

/**
 * The server showed a CA whose hash is not the one in the join token: it is not the cluster the
 * token was made for (or someone is in the middle). The token was not sent.
 */
export class ServerCaMismatchError extends WispError {
  readonly expectedHash: string;
  readonly actualHash: string;
  constructor(server: string, expectedHash: string, actualHash: string) {
    super(
      'ERR_FORBIDDEN',
      `${server}: the server's CA (sha256 ${actualHash}) is not the one the join token pins ` +
        `(sha256 ${expectedHash}); refusing to send the token`,
    );
    this.expectedHash = expectedHash;
    this.actualHash = actualHash;
  }
}

/** The server answered a join or renew request with an error Status. */
export class JoinRefusedError extends WispError {
  readonly httpStatus: number;
  constructor(what: string, httpStatus: number, message: string) {
    super(
      httpStatus === 401 ? 'ERR_UNAUTHORIZED' : 'ERR_FORBIDDEN',
      `${what}: ${httpStatus}: ${message}`,
    );
    this.httpStatus = httpStatus;
  }
}

/** The server's answer does not fit what was asked (another key, another CA, a bad body). */
export class JoinResponseError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID', message, options);
  }
}

/** A join config that cannot be used: no server, a plain-HTTP URL, a bad node name. */
export class JoinConfigError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID', message, options);
  }
}

/** No usable credentials in the data dir and no join token to get new ones. */
export class NodeNotJoinedError extends WispError {
  constructor(message: string) {
    super('ERR_UNAUTHORIZED', message);
  }
}

/** A key or certificate file in the data dir that cannot be used. */
export class NodeStateFileError extends WispError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID', `${path}: ${message}`, options);
    this.path = path;
  }
}

/** The server could not be reached or did not answer in time. */
export class ServerUnreachableError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_TIMEOUT', message, options);
  }
}
